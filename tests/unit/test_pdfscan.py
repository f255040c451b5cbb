"""The PDF scan: every forbidden construct in a small PDF made with pikepdf
is found and named with its place (clean LaTeX PDFs of both engines pass:
tests/test_pdfscan.py)."""
from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from pipeline import pdfscan
from pipeline.errors import BuildFailed, Location


def _one_page() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def _action(pdf: pikepdf.Pdf, **entries) -> Dictionary:
    return pdf.make_indirect(Dictionary(Type=Name.Action, **entries))


def _link(pdf: pikepdf.Pdf, action: Dictionary, subtype=Name.Link) -> None:
    """A link annotation on page 1 that runs action."""
    annotation = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=subtype,
                                              Rect=[0, 0, 50, 50], A=action))
    pdf.pages[0].obj.Annots = Array([annotation])


def _open_action_js(pdf):
    pdf.Root.OpenAction = _action(pdf, S=Name.JavaScript, JS=String("app.alert(1)"))


def _names_js(pdf):
    script = _action(pdf, S=Name.JavaScript, JS=String("app.alert(1)"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=[String("x"), script]))


def _launch(pdf):
    _link(pdf, _action(pdf, S=Name.Launch, F=String("/bin/sh")))


def _page_aa(pdf):
    pdf.pages[0].obj.AA = Dictionary(O=_action(pdf, S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit]))


def _open_action_print(pdf):
    """An OpenAction that is an action other than hyperref's GoTo (here: print on opening)."""
    pdf.Root.OpenAction = _action(pdf, S=Name.Named, N=Name.Print)


def _embedded_files(pdf):
    pdf.attachments["secret.txt"] = pikepdf.AttachedFileSpec(pdf, b"hello")


def _file_attachment_annotation(pdf):
    stream = pdf.make_stream(b"hello", Type=Name.EmbeddedFile)
    spec = Dictionary(Type=Name.Filespec, F=String("a.txt"), EF=Dictionary(F=stream))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 9, 9], FS=spec))])


def _xfa(pdf):
    pdf.Root.AcroForm = Dictionary(Fields=[], XFA=pdf.make_stream(b"<xdp/>"))


def _simple_action(kind: str):
    def make(pdf):
        _link(pdf, _action(pdf, S=Name("/" + kind), F=String("other.pdf")))
    return make


def _uri(uri: str | bytes):
    def make(pdf):
        _link(pdf, _action(pdf, S=Name.URI, URI=String(uri)))
    return make


def _direct_annotation_launch(pdf):
    """A direct (not indirect) annotation dictionary inside the Annots array."""
    pdf.pages[0].obj.Annots = Array([Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 9, 9],
        A=Dictionary(S=Name.Launch, F=String("/bin/sh")))])


def _orphan_js(pdf):
    """JavaScript in an object nothing refers to still counts: every object is walked."""
    pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))


def _screen_annotation(pdf):
    _link(pdf, _action(pdf, S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit]), subtype=Name.Screen)


# name -> (how to plant it, what the finding must say, where it must say it is)
FORBIDDEN = {
    "openaction-javascript": (_open_action_js, "JavaScript", "object"),
    "names-javascript": (_names_js, "JavaScript", "the document catalog"),
    "launch": (_launch, "Launch action", "page 1, annotation 1"),
    "additional-action": (_page_aa, "/AA additional action", "page 1, object"),
    "openaction-action": (_open_action_print, "OpenAction that is an action", "the document catalog"),
    "embedded-files": (_embedded_files, "embedded files", "the document catalog"),
    "file-attachment": (_file_attachment_annotation, "FileAttachment annotation", "page 1, annotation 1"),
    "xfa": (_xfa, "XFA form", "the document catalog"),
    "gotor": (_simple_action("GoToR"), "GoToR action", "page 1, annotation 1"),
    "gotoe": (_simple_action("GoToE"), "GoToE action", "page 1, annotation 1"),
    "importdata": (_simple_action("ImportData"), "ImportData action", "page 1, annotation 1"),
    "submitform": (_simple_action("SubmitForm"), "SubmitForm action", "page 1, annotation 1"),
    "rendition": (_simple_action("Rendition"), "Rendition action", "page 1, annotation 1"),
    "sound": (_simple_action("Sound"), "Sound action", "page 1, annotation 1"),
    "movie": (_simple_action("Movie"), "Movie action", "page 1, annotation 1"),
    "richmedia": (_simple_action("RichMediaExecute"), "RichMediaExecute action", "page 1"),
    "screen-annotation": (_screen_annotation, "Screen annotation", "page 1, annotation 1"),
    "uri-file": (_uri("file:///etc/passwd"), "link to 'file:///etc/passwd'", "page 1, annotation 1"),
    "uri-javascript": (_uri("javascript:alert(1)"), "link to 'javascript:alert(1)'", "page 1"),
    "uri-run": (_uri("run:/bin/sh"), "link to 'run:/bin/sh'", "page 1"),
    "uri-relative": (_uri("../secret.pdf"), "link to '../secret.pdf'", "page 1"),
    "uri-control-chars": (_uri(b"x\x1b[2Jy"), "link to 'x\\x1b[2Jy'", "page 1"),
    "direct-annotation": (_direct_annotation_launch, "Launch action", "page 1, object"),
    "orphan-object": (_orphan_js, "JavaScript", "object"),
}


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_forbidden_construct_is_found_and_named(name):
    plant, what, where = FORBIDDEN[name]
    pdf = _one_page()
    plant(pdf)
    found = pdfscan.findings(pdf)
    assert any(what in item and where in item for item in found), found
    with pytest.raises(BuildFailed) as raised:
        pdfscan.check(pdf, Location(Path("issue/article.md")))
    error = raised.value
    assert error.exit_code == 5
    assert what in error.message
    assert str(error).startswith("issue/article.md: build failed: the PDF holds active content")
    assert "what to do: remove the raw TeX" in str(error)


def test_a_saved_and_reopened_pdf_is_scanned_the_same(tmp_path):
    """Objects read from a file (not only made in memory) are walked."""
    pdf = _one_page()
    _launch(pdf)
    _embedded_files(pdf)
    pdf.save(tmp_path / "x.pdf")
    with pikepdf.open(tmp_path / "x.pdf") as reopened:
        found = pdfscan.findings(reopened)
    assert {item.split(" (")[0] for item in found} == {
        "embedded files", "an /EF embedded file", "an embedded file", "a Launch action"}


def test_null_objects_are_skipped_and_the_rest_is_scanned(tmp_path):
    """xdvipdfmx leaves indirect nulls, which pikepdf gives as None."""
    pdf = _one_page()
    pdf.Root.Spare = pdf.make_indirect(Dictionary(Spare=12345))
    _launch(pdf)
    pdf.save(tmp_path / "x.pdf", qdf=True, compress_streams=False,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)
    data = (tmp_path / "x.pdf").read_bytes().replace(b"<<\n  /Spare 12345\n>>", b"null" + b" " * 17)
    (tmp_path / "null.pdf").write_bytes(data)
    with pikepdf.open(tmp_path / "null.pdf") as reopened:
        assert None in list(reopened.objects)
        assert [item.split(" (")[0] for item in pdfscan.findings(reopened)] == ["a Launch action"]


@pytest.mark.parametrize("uri", ["http://example.org/a", "https://example.org/a?b=c",
                                 "mailto:editor@example.org", "doi:10.1234/abc", "HTTPS://X.ORG"])
def test_allowed_links_pass(uri):
    pdf = _one_page()
    _uri(uri)(pdf)
    assert pdfscan.findings(pdf) == []


def test_an_open_action_that_is_a_destination_passes_and_any_action_is_refused():
    pdf = _one_page()
    pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])   # what hyperref writes
    assert pdfscan.findings(pdf) == []
    pdf.Root.OpenAction = _action(pdf, S=Name.GoTo, D=[pdf.pages[0].obj, Name.Fit])
    assert pdfscan.findings(pdf) == \
        ["an OpenAction that is an action, not a destination (the document catalog, object 1)"]
