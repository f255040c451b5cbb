"""Every PDF is scanned before it is kept: no active content, no attachments.

pikepdf walks every object of the file (reachable or not) and every value
inside it. A PDF holding JavaScript, an action that launches, imports,
submits or opens another file, an additional action (/AA), an OpenAction
that is an action (only a destination, a page to open at, is fine), an
attached or embedded file,
multimedia, an XFA form, or a URI outside the allowed schemes is refused
with what was found and where. A manuscript can only get these into a PDF
through raw TeX, so this is the defence that holds even if a new raw-TeX
route appears.
"""
from __future__ import annotations

from .errors import BuildFailed, Location

# The link schemes a manuscript may use (as the Markdown link filter allows).
ALLOWED_SCHEMES = ("http", "https", "mailto", "doi")

# Action types (/S) and annotation types (/Subtype) that are never kept.
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/GoToR", "/GoToE", "/ImportData",
                     "/SubmitForm", "/Rendition", "/Sound", "/Movie", "/RichMedia",
                     "/RichMediaExecute"}
FORBIDDEN_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia"}
# Keys that are refused wherever they appear, and what they mean.
FORBIDDEN_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript",
                  "/AA": "an /AA additional action", "/EmbeddedFiles": "embedded files",
                  "/EF": "an /EF embedded file", "/XFA": "an XFA form",
                  "/RichMediaContent": "rich media"}


def check(pdf, where: Location) -> None:
    """Raise BuildFailed naming every forbidden construct in an open pikepdf.Pdf."""
    found = findings(pdf)
    if found:
        shown = "\n    ".join(found[:10]) + ("\n    ..." if len(found) > 10 else "")
        raise BuildFailed("the PDF holds active content or attachments, refused:\n    " + shown,
                          where=where,
                          hint="remove the raw TeX (\\pdfcatalog, \\pdfannot, \\pdfobj, "
                               "\\special{pdf:...}) or the link that makes it; only http, "
                               "https, mailto and doi links are kept")


def findings(pdf) -> list[str]:
    """What is forbidden in pdf, each as 'what (where)'; [] for a clean file."""
    import pikepdf

    found: list[tuple[str, tuple[int, int] | None]] = []
    users: dict[tuple[int, int], tuple[int, int]] = {}  # object -> an object that refers to it
    for obj in [pdf.trailer, *pdf.objects]:
        if not isinstance(obj, pikepdf.Object):  # a null object comes back as None
            continue
        owner = obj.objgen if obj.is_indirect else None
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
            _walk(obj, owner, found, users, pikepdf)
    if not found:
        return []
    places = _places(pdf)
    return [f"{problem} ({_where(owner, places, users)})" for problem, owner in found]


def _places(pdf) -> dict[tuple[int, int], str]:
    """Readable places for the catalog, pages and annotations, by object number."""
    places = {pdf.Root.objgen: "the document catalog"}
    for number, page in enumerate(pdf.pages, start=1):
        places[page.obj.objgen] = f"page {number}"
        for index, annotation in enumerate(page.obj.get("/Annots", []), start=1):
            if annotation.is_indirect:
                places[annotation.objgen] = f"page {number}, annotation {index}"
    return places


def _where(owner, places: dict, users: dict) -> str:
    """'page 2, annotation 1, object 14': the place of owner or of the first object using it."""
    if owner is None:
        return "the trailer"
    seen, user = {owner}, owner
    while user not in places and user in users and users[user] not in seen:
        user = users[user]
        seen.add(user)
    return f"{places[user]}, object {owner[0]}" if user in places else f"object {owner[0]}"


def _walk(obj, owner, found: list, users: dict, pikepdf) -> None:
    """Check obj and the direct objects inside it; note who uses each indirect one."""
    items = obj.items() if isinstance(obj, pikepdf.Dictionary) else ((None, v) for v in obj)
    for key, value in items:
        if key is not None:
            problem = _problem(key, value, pikepdf)
            if problem:
                found.append((problem, owner))
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            if owner is not None and value.objgen != owner:
                users.setdefault(value.objgen, owner)
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)):
            _walk(value, owner, found, users, pikepdf)


def _problem(key: str, value, pikepdf) -> str | None:
    """What is wrong with obj[key] = value, if anything."""
    if key in FORBIDDEN_KEYS:
        return FORBIDDEN_KEYS[key]
    if key == "/S" and str(value) in FORBIDDEN_ACTIONS:
        return f"a {str(value)[1:]} action"
    if key == "/Subtype" and str(value) in FORBIDDEN_ANNOTATIONS:
        return f"a {str(value)[1:]} annotation"
    if key == "/Type" and str(value) == "/EmbeddedFile":
        return "an embedded file"
    if key == "/OpenAction" and isinstance(value, pikepdf.Dictionary):
        return "an OpenAction that is an action, not a destination"
    if key == "/URI" and isinstance(value, pikepdf.String) and not _allowed_uri(bytes(value)):
        return f"a link to {_shown(bytes(value))}"
    return None


def _allowed_uri(uri: bytes) -> bool:
    scheme, colon, _ = uri.partition(b":")
    return bool(colon) and scheme.strip().lower().decode("latin-1") in ALLOWED_SCHEMES


def _shown(uri: bytes) -> str:
    """A URI as text fit for a terminal: printable ASCII, at most 60 characters."""
    text = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in uri[:60])
    return f"'{text}'" + ("..." if len(uri) > 60 else "")
