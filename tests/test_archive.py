"""The sample issue's archive: two copies of the project in different folders,
one archive each (one sample build per copy), compared byte for byte and
validated: the bag, every PDF (PDF/A-2b, PRISM), JATS, Crossref, DOAJ;
then a tampered payload, re-archiving, a changed issue and --supersede."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pikepdf
import pytest
from lxml import etree

from pipeline import pdfa, schemas
from pipeline.paths import ROOT

NAME = "spotlight-on-regional-affairs-v40-n6"
PRISM = "{http://prismstandard.org/namespaces/basic/3.0/}"
CROSSREF = "{http://www.crossref.org/schema/5.3.1}"
SKIP = shutil.ignore_patterns("build", ".venv", ".git", "__pycache__", ".pytest_cache")


def archive(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", "-j", "2", "archive", *args,
                           "manuscript/2022-06"], cwd=project, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    """Two copies of the project, at different depths and names, each archived once."""
    base = tmp_path_factory.mktemp("clones")
    copies = (base / "a" / "spotlight", base / "b" / "elsewhere" / "copy")
    for copy in copies:
        shutil.copytree(ROOT, copy, ignore=SKIP)
        done = archive(copy)
        assert done.returncode == 0, done.stderr
        assert "archive written" in done.stdout
    return copies


@pytest.fixture(scope="module")
def bag(projects) -> Path:
    return projects[0] / "build" / "archive" / NAME


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_copies_give_identical_bytes(projects):
    first, second = (p / "build" / "archive" for p in projects)
    assert (first / f"{NAME}.zip").read_bytes() == (second / f"{NAME}.zip").read_bytes()
    ours, theirs = files(first / NAME), files(second / NAME)
    assert ours.keys() == theirs.keys()
    assert [k for k in ours if ours[k] != theirs[k]] == []
    for content in ours.values():  # no path of either copy leaks into any file
        assert b"/a/spotlight" not in content and b"elsewhere" not in content


def test_bag_validates_as_bagit_1_0(bag):
    bagged = bagit.Bag(str(bag))
    bagged.validate()
    assert bagged.version_info == (1, 0)
    assert set(bagged.algorithms) == {"sha256", "sha512"}
    info = bagged.info
    assert info["Source-Organization"] == "Institute of Regional Studies, Islamabad"
    assert info["Contact-Email"] == "spotlight@example.org"
    assert info["External-Identifier"] == "ISSN 1234-5679, Vol. 40, No. 6"
    assert info["Bagging-Date"] == "2022-06-01"  # the issue's date, not today's
    payload = sorted(bagged.payload_files())
    for expected in ("data/pdf/issue.pdf", "data/pdf/cpec-energy.pdf", "data/jats/cpec-energy.xml",
                     "data/registry/crossref.xml", "data/registry/doaj.xml",
                     "data/source/issue.yaml", "data/source/cpec-energy.md", "data/provenance.json"):
        assert expected in payload


def test_provenance_names_the_tools(bag):
    import json
    record = json.loads((bag / "data" / "provenance.json").read_text())
    assert record["pipeline"]["version"]
    assert record["tools"]["pandoc"].startswith("pandoc ")
    assert record["tools"]["pikepdf"] == pikepdf.__version__
    assert "TeX Live" in record["tools"]["pdftex"] and "TeX Live" in record["tools"]["xetex"]
    assert "fonts-texgyre" in record["fonts"]


def prism_pages(pdf_path: Path) -> dict[str, str]:
    with pikepdf.open(pdf_path) as pdf:
        meta = pdf.open_metadata()
        return {k: meta.get(PRISM + k) for k in
                ("volume", "number", "startingPage", "endingPage", "pageRange")}


def test_every_pdf_is_pdfa_2b_with_prism(bag, tmp_path):
    pdfs = sorted((bag / "data" / "pdf").glob("*.pdf"))
    assert len(pdfs) == 4
    for path in pdfs:
        verdict = pdfa.validate(path)
        assert verdict.passed, verdict.lines()
        # pikepdf's only findings are the PRISM and extension-schema properties...
        assert {f.rule for f in verdict.declared} == {"ISO_19005_2:6.6.2.3.1-1"}
        prism = prism_pages(path)
        assert prism["volume"] == "40" and prism["number"] == "6"
        assert prism["pageRange"] == f"{prism['startingPage']}-{prism['endingPage']}"
        # ...and without them pikepdf.pdfa passes the file as it stands.
        stripped = tmp_path / path.name
        with pikepdf.open(path) as pdf:
            root = etree.fromstring(pdf.Root.Metadata.read_bytes())
            rdf = root.find("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF")
            for description in list(rdf)[1:]:
                rdf.remove(description)
            pdf.Root.Metadata = pdf.make_stream(etree.tostring(root), Type=pikepdf.Name.Metadata,
                                                  Subtype=pikepdf.Name.XML)
            pdf.save(stripped, **pikepdf.pdfa.resolve_save_kwargs("2b"))
        assert pikepdf.pdfa.validate_written(stripped, "2b").verdict == "pass"


def test_jats_validates_and_matches_the_pdfs(bag):
    schema = schemas.load(schemas.JATS)
    for xml in sorted((bag / "data" / "jats").glob("*.xml")):
        document = schemas.parse(xml.read_bytes())
        assert schemas.errors(schema, document) == []
        prism = prism_pages(bag / "data" / "pdf" / f"{xml.stem}.pdf")
        meta = document.find("front/article-meta")
        assert meta.findtext("volume") == "40" and meta.findtext("issue") == "6"
        assert (meta.findtext("fpage"), meta.findtext("lpage")) == \
            (prism["startingPage"], prism["endingPage"])
        assert document.find("front/journal-meta/issn").text == "1234-5679"
        assert document.find("back/fn-group/fn") is not None      # the endnotes
        assert document.find("body/sec/title").text == "Introduction"
        assert meta.find("contrib-group/contrib/bio/p") is not None
        title = " ".join("".join(meta.find("title-group/article-title").itertext()).split())
        with pikepdf.open(bag / "data" / "pdf" / f"{xml.stem}.pdf") as pdf:
            assert str(pdf.open_metadata()["dc:title"]).startswith(title)
    cpec = schemas.parse((bag / "data" / "jats" / "cpec-energy.xml").read_bytes())
    assert cpec.findtext(".//contrib-id[@contrib-id-type='orcid']") == \
        "https://orcid.org/0000-0002-1825-0097"
    assert cpec.findtext(".//contrib/email") == "ahsan.bhatti@example.org"
    assert cpec.findtext(".//article-id[@pub-id-type='doi']") == "10.5555/spotlight.2022.06.2"


def test_crossref_and_doaj_validate_with_the_right_pages(bag):
    shared = schemas.shared_folder()
    assert shared is not None, "../shared/schemas is needed for the Crossref schema"
    deposit = schemas.parse((bag / "data" / "registry" / "crossref.xml").read_bytes())
    assert schemas.errors(schemas.load(schemas.CROSSREF, shared), deposit) == []
    assert deposit.findtext(f".//{CROSSREF}journal_volume/{CROSSREF}volume") == "40"
    assert deposit.findtext(f".//{CROSSREF}journal_issue/{CROSSREF}issue") == "6"
    articles = deposit.findall(f".//{CROSSREF}journal_article")
    assert len(articles) == 3
    doaj = schemas.parse((bag / "data" / "registry" / "doaj.xml").read_bytes())
    assert schemas.errors(schemas.load(schemas.DOAJ), doaj) == []
    records = doaj.findall("record")
    for article, record in zip(articles, records):
        slug = record.findtext("publisherRecordId").split("/")[1]
        prism = prism_pages(bag / "data" / "pdf" / f"{slug}.pdf")
        pages = (prism["startingPage"], prism["endingPage"])
        assert (article.findtext(f"{CROSSREF}pages/{CROSSREF}first_page"),
                article.findtext(f"{CROSSREF}pages/{CROSSREF}last_page")) == pages
        assert (record.findtext("startPage"), record.findtext("endPage")) == pages
        assert record.findtext("language") == "eng"
        assert record.findtext("volume") == "40" and record.findtext("issue") == "6"
        assert article.findtext(f"{CROSSREF}doi_data/{CROSSREF}doi") == record.findtext("doi")


def test_verify_passes_the_zip_and_every_pdf_in_it(bag):
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "verify",
                           str(bag.with_name(f"{NAME}.zip"))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: BagIt 1.0: every file's sha256 and sha512 checksum matches" in done.stdout
    assert done.stdout.count("ok: PDF/A-2b") == 4
    assert done.stdout.count("as the XMP says") == 4 and "FAIL" not in done.stdout


def test_tampered_payload_fails_verify(bag, tmp_path):
    copy = tmp_path / NAME
    shutil.copytree(bag, copy)
    source = copy / "data" / "source" / "cpec-energy.md"
    source.write_text(source.read_text().replace("CPEC", "CPEX", 1))
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "verify", str(copy)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 6
    assert "FAIL: bag validation" in done.stdout and "cpec-energy.md" in done.stdout


def test_rearchive_is_a_no_op_then_a_change_is_refused_then_superseded(projects):
    project = projects[0]
    folder = project / "build" / "archive"
    before = files(folder)
    again = archive(project)
    assert again.returncode == 0, again.stderr
    assert "unchanged (already deposited)" in again.stdout
    assert files(folder) == before
    article = project / "manuscript" / "2022-06" / "sco-summit.md"
    article.write_text(article.read_text().replace("## Introduction", "## Introduction\n\nA new "
                                                   "first sentence.", 1))
    refused = archive(project)
    assert refused.returncode == 3, refused.stderr
    assert f"{NAME} is already deposited" in refused.stderr
    assert "changed: source/sco-summit.md" in refused.stderr
    assert "--supersede" in refused.stderr
    assert files(folder) == before
    superseded = archive(project, "--supersede")
    assert superseded.returncode == 0, superseded.stderr
    assert (folder / f"{NAME}-v2").is_dir() and (folder / f"{NAME}-v2.zip").is_file()
    assert {k: v for k, v in files(folder).items() if not k.startswith(f"{NAME}-v2")} == before
    bagit.Bag(str(folder / f"{NAME}-v2")).validate()


def _as_typed(article):
    """The article's front matter as rendered, for text with no Markdown in it."""
    from pipeline.fields import FrontMatter, Rendered

    same = lambda text: Rendered(text, text)  # noqa: E731
    return FrontMatter(same(article.title), article.subtitle and same(article.subtitle),
                       tuple(same(a.name) for a in article.authors),
                       tuple(same(a.bio) for a in article.authors))


def test_articles_without_doi_are_not_registrable(tmp_path):
    """No build needed: the records come from the model and the pages."""
    from pipeline import registry
    from pipeline.article import Built
    from pipeline.errors import InputError
    from pipeline.model import load_article, load_issue

    folder = tmp_path / "2022-06"
    shutil.copytree(ROOT / "manuscript" / "2022-06", folder)
    article = folder / "sco-summit.md"
    article.write_text("\n".join(line for line in article.read_text().split("\n")
                                 if not line.startswith("doi:")))
    issue = load_issue(folder)
    built = [Built(article, tmp_path / "x.pdf", 1 + 4 * n, 4, _as_typed(article))
             for n, article in enumerate(load_article(path, issue) for path in issue.articles)]
    assert registry.not_registrable(built) == ["sco-summit"]
    deposit = schemas.parse(registry.crossref(issue, built, "20220601000001"))
    dois = [e.text for e in deposit.iter(f"{CROSSREF}doi")]
    assert dois == ["10.5555/spotlight.2022.06.1", "10.5555/spotlight.2022.06.2"]
    assert schemas.errors(schemas.load(schemas.CROSSREF, schemas.shared_folder()), deposit) == []
    doaj = schemas.parse(registry.doaj(issue, built))
    assert len(doaj.findall("record")) == 3        # DOAJ lists every article
    (folder / "issue.yaml").write_text("\n".join(
        line for line in (folder / "issue.yaml").read_text().split("\n")
        if not line.startswith(("deposit:", "  contact:", "  email:", "  url:"))))
    with pytest.raises(InputError) as caught:
        registry.crossref(load_issue(folder), built, "20220601000001")
    assert caught.value.exit_code == 3 and "deposit: contact, email, url" in str(caught.value)


def test_jats_that_breaks_the_schema_stops_the_archive():
    from pipeline.errors import InvalidOutput

    wrong = schemas.parse(b"<article><front><article-meta/></front></article>")
    with pytest.raises(InvalidOutput) as caught:
        schemas.require_valid(schemas.load(schemas.JATS), wrong, "the JATS XML", Path("a.md"))
    assert caught.value.exit_code == 6
    assert "the JATS XML does not validate against its schema" in str(caught.value)
    assert "line 1:" in str(caught.value)
