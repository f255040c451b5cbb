"""XML schemas loaded offline with lxml, each once per run (JATS takes ~2 s).

schemas/ holds JATS 1.3 and DOAJ (see schemas/README.md); the Crossref
schema states no licence and is read from ../shared/schemas by the tests.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path

from lxml import etree

from .errors import InvalidOutput, Location
from .paths import ROOT

SCHEMAS = ROOT / "schemas"
JATS = "jats-1.3/JATS-journalpublishing1-3-mathml3.xsd"
DOAJ = "doaj/doajArticles.xsd"
CROSSREF = "crossref-5.3.1/crossref5.3.1.xsd"
_CATALOG = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


class OfflineResolver(etree.Resolver):
    """Serve the URLs a catalog.xml lists from local files; refuse any other URL."""

    def __init__(self, catalog: Path):
        super().__init__()
        root = etree.parse(str(catalog), etree.XMLParser(no_network=True)).getroot()
        self.map = {(e.get("systemId") or e.get("name")): str((catalog.parent / e.get("uri")).resolve())
                    for e in root if e.tag in (_CATALOG + "system", _CATALOG + "uri")}

    def resolve(self, url, pubid, context):
        if url in self.map:
            return self.resolve_filename(self.map[url], context)
        if url and url.split(":", 1)[0].lower() in ("http", "https", "ftp"):
            raise OSError("network access refused: " + url)
        return None


_loaded: dict[tuple[str, Path], Future] = {}
_lock = threading.Lock()


def load(relpath: str, folder: Path = SCHEMAS) -> etree.XMLSchema:
    """The schema folder/relpath, compiled once per run (also across threads)."""
    with _lock:
        future, first = _loaded.get((relpath, folder)), False
        if future is None:
            future, first = _loaded.setdefault((relpath, folder), Future()), True
    if first:
        try:
            future.set_result(_compile(relpath, folder))
        except BaseException as error:
            future.set_exception(error)
    return future.result()


def preload(relpath: str) -> None:
    """Compile a schema in the background (JATS takes ~2 s) while a build runs."""
    threading.Thread(target=load, args=(relpath,), daemon=True).start()


def _compile(relpath: str, folder: Path) -> etree.XMLSchema:
    """The schema folder/relpath, its URL imports served by folder/catalog.xml."""
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(OfflineResolver(folder / "catalog.xml"))
    return etree.XMLSchema(etree.parse(str(folder / relpath), parser))


def parse(data: bytes):
    """An XML document, never loading a DTD, an entity or the network."""
    return etree.fromstring(data, etree.XMLParser(no_network=True, load_dtd=False,
                                                  resolve_entities=False))


def errors(schema: etree.XMLSchema, document) -> list[str]:
    """'line N: message' for each way document breaks schema ([] if valid)."""
    if schema.validate(document.getroottree() if hasattr(document, "getroottree") else document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def require_valid(schema: etree.XMLSchema, document, what: str, where: Path) -> None:
    problems = errors(schema, document)
    if problems:
        raise InvalidOutput(f"{what} does not validate against its schema:\n    "
                            + "\n    ".join(problems[:10]), where=Location(where),
                            hint="this is a bug in the pipeline; nothing was archived")


def shared_folder() -> Path | None:
    """../shared/schemas beside the project (or beside a worktree's parents)."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "schemas"
        if (candidate / "catalog.xml").is_file():
            return candidate
    return None
