"""PDF/A-2b for every final PDF: made with pikepdf, proven with pikepdf.pdfa.

pikepdf.pdfa.prepare adds the sRGB OutputIntent (the ICC profile pikepdf
ships), makes link annotations printable (/F 4), removes JavaScript and
rewrites the XMP with the PDF/A identification. It drops every property
outside the standard schemas and stamps the clock as xmp:MetadataDate, so
the packet is then completed here: PRISM and the author details come back,
declared in a PDF/A extension schema (ISO 19005-2 6.6.2.3, SCHEMAS), and the
dates are the issue's.

pikepdf 10.18's validator knows no extension schemas: it reports each
declared property as 'not permitted' (rule 6.6.2.3.1-1). The verdict here
accepts exactly those findings, and only for properties the file's own
extension schema declares; every other finding fails the build (exit 6).
"""
from __future__ import annotations

import hashlib
import inspect
import io
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import metadata
from .errors import InvalidOutput, Location

FLAVOUR = "2b"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XMP = "http://ns.adobe.com/xap/1.0/"
PDF = "http://ns.adobe.com/pdf/1.3/"
EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
EXTENSION_NAMESPACES = {EXTENSION, SCHEMA, PROPERTY}
DECLARED_RULE = "6.6.2.3.1-1"  # "XMP property/namespace ... is not permitted"

# PRISM Basic 3.0, the properties metadata.py writes: name -> description.
PRISM_PROPERTIES = {
    "publicationName": "Title of the periodical",
    "volume": "Volume number of the periodical",
    "number": "Issue number of the periodical",
    "coverDate": "Date on the cover of the issue",
    "coverDisplayDate": "Issue date as printed",
    "startingPage": "First page number",
    "endingPage": "Last page number",
    "pageRange": "Page range, first-last",
    "issn": "ISSN of the periodical",
    "doi": "Digital Object Identifier",
}


@dataclass(frozen=True)
class Schema:
    """A PDF/A extension schema: non-standard XMP properties metadata.py writes."""

    title: str
    uri: str
    prefix: str
    properties: dict       # name -> (valueType, description)


SCHEMAS = (
    Schema("PRISM Basic Metadata", metadata.PRISM, "prism",
           {name: ("Text", text) for name, text in PRISM_PROPERTIES.items()}),
    Schema("Journal author details", metadata.AUTHOR_NS, metadata.AUTHOR_PREFIX,
           {name: ("Seq Text", text) for name, text in metadata.AUTHOR_PROPERTIES.items()}),
)


@dataclass(frozen=True)
class Verdict:
    """pikepdf.pdfa's findings on a file, with those its extension schema covers set apart."""

    findings: tuple        # pikepdf.pdfa.Finding, not covered: each one fails
    declared: tuple        # findings about properties the file declares itself
    problems: tuple        # (rule, message) of the checks made here: extension schema, ToUnicode

    @property
    def passed(self) -> bool:
        return not self.findings and not self.problems

    @property
    def rule_ids(self) -> list[str]:
        return sorted({f.rule for f in self.findings} | {rule for rule, _ in self.problems})

    def lines(self) -> list[str]:
        return [str(f) for f in self.findings] + [f"[{rule}] {text}" for rule, text in self.problems]


def save(pdf, output: Path, *, where: Path, proven: bool = True) -> None:
    """Make the open pikepdf.Pdf PDF/A-2b, write it to output and prove it
    (prove); proven=False leaves the proof to the caller, who must call prove.

    On failure output is removed and InvalidOutput (exit 6) names the rules."""
    import pikepdf.pdfa

    make(pdf)
    # QPDF aborts the whole process (exit 134) when a write fails during a
    # deterministic save: make the PDF in memory and let Python write the
    # file, so a full disk or a file-size limit is an OSError (exit 8).
    buffer = io.BytesIO()
    pdf.save(buffer, **pikepdf.pdfa.resolve_save_kwargs(FLAVOUR, deterministic_id=True))
    output.write_bytes(buffer.getbuffer())
    if proven:
        prove(output, where=where)


def prove(output: Path, *, where: Path) -> None:
    """pikepdf.pdfa's verdict on output must be 'pass': otherwise output is
    removed and InvalidOutput (exit 6) names the rules."""
    verdict = validate(output)
    if not verdict.passed:
        output.unlink(missing_ok=True)
        raise InvalidOutput(f"the PDF is not PDF/A-2b: rules {', '.join(verdict.rule_ids)}:\n    "
                            + "\n    ".join(verdict.lines()[:20]), where=Location(where),
                            hint="this is a bug in the pipeline or its class; the previous PDF "
                                 "was kept")


def make(pdf) -> None:
    """pikepdf's PDF/A repairs, then the XMP completed: PRISM declared, no clock."""
    import pikepdf
    import pikepdf.pdfa

    packet = pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else b""
    producer = str(pdf.docinfo.get("/Producer", metadata.TOOL))  # metadata.apply's, kept
    pikepdf.pdfa.prepare(pdf, FLAVOUR, output_intent="sRGB")
    _drop_cidsets(pdf)
    _direct_outline_titles(pdf)
    kept = _extension_values(packet)
    tree = etree.fromstring(pdf.Root.Metadata.read_bytes())
    description = tree.find(f"{{{RDF}}}RDF/{{{RDF}}}Description")
    stamped = description.find(f"{{{XMP}}}MetadataDate")  # prepare's clock: use the date
    if description.findtext(f"{{{XMP}}}CreateDate"):
        stamped.text = description.findtext(f"{{{XMP}}}CreateDate")
    else:
        description.remove(stamped)
    description.find(f"{{{PDF}}}Producer").text = producer
    if kept:
        rdf = tree.find(f"{{{RDF}}}RDF")
        rdf.append(_extension_schema(kept))
        rdf.extend(_description(schema, values) for schema, values in kept)
    body = etree.tostring(tree, encoding="unicode")
    pdf.Root.Metadata = pdf.make_stream(
        f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n<?xpacket end="w"?>'
        .encode("utf-8"), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    pdf.docinfo["/Producer"] = producer


def _drop_cidsets(pdf) -> None:
    """PDF/A-2 makes /CIDSet optional but must check it when present, and
    pikepdf.pdfa cannot (XeTeX writes one for TrueType subsets): drop it."""
    import pikepdf

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" \
                and "/CIDSet" in obj:
            del obj["/CIDSet"]


def _direct_outline_titles(pdf) -> None:
    """pdfTeX may write a bookmark's /Title as a reference to a string, which
    pikepdf.pdfa does not accept: give each item its string directly."""
    import pikepdf

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and "/Title" in obj and "/Parent" in obj \
                and obj["/Title"].is_indirect:
            obj["/Title"] = pikepdf.String(bytes(obj["/Title"]))


def _extension_values(packet: bytes) -> list[tuple[Schema, dict]]:
    """The SCHEMAS properties of an XMP packet (those metadata.apply wrote), each
    schema with name -> text, or list of texts for a Seq; schemas unused left out."""
    if not packet:
        return []
    tree = etree.fromstring(packet, etree.XMLParser(resolve_entities=False, no_network=True))
    kept = []
    for schema in SCHEMAS:
        values = {}
        for element in tree.iter(f"{{{schema.uri}}}*"):
            items = element.findall(f"{{{RDF}}}Seq/{{{RDF}}}li")
            values[etree.QName(element).localname] = \
                [item.text or "" for item in items] if items else element.text or ""
        for element in tree.iter(f"{{{RDF}}}Description"):
            for key, value in element.attrib.items():
                if key.startswith(f"{{{schema.uri}}}"):
                    values[etree.QName(key).localname] = value
        values = {name: values[name] for name in schema.properties if name in values}
        if values:
            kept.append((schema, values))
    return kept


def _description(schema: Schema, values: dict):
    description = etree.Element(f"{{{RDF}}}Description", nsmap={schema.prefix: schema.uri})
    description.set(f"{{{RDF}}}about", "")
    for name, value in values.items():
        element = etree.SubElement(description, f"{{{schema.uri}}}{name}")
        if isinstance(value, list):
            seq = etree.SubElement(element, f"{{{RDF}}}Seq")
            for item in value:
                etree.SubElement(seq, f"{{{RDF}}}li").text = item
        else:
            element.text = value
    return description


def _extension_schema(kept: list[tuple[Schema, dict]]):
    """The pdfaExtension:schemas block declaring the properties used."""
    nsmap = {"pdfaExtension": EXTENSION, "pdfaSchema": SCHEMA, "pdfaProperty": PROPERTY}
    description = etree.Element(f"{{{RDF}}}Description", nsmap=nsmap)
    description.set(f"{{{RDF}}}about", "")
    bag = etree.SubElement(etree.SubElement(description, f"{{{EXTENSION}}}schemas"),
                           f"{{{RDF}}}Bag")
    for schema, values in kept:
        entry = _resource(bag)
        etree.SubElement(entry, f"{{{SCHEMA}}}schema").text = schema.title
        etree.SubElement(entry, f"{{{SCHEMA}}}namespaceURI").text = schema.uri
        etree.SubElement(entry, f"{{{SCHEMA}}}prefix").text = schema.prefix
        seq = etree.SubElement(etree.SubElement(entry, f"{{{SCHEMA}}}property"), f"{{{RDF}}}Seq")
        for name in values:
            value_type, text = schema.properties[name]
            item = _resource(seq)
            for key, value in (("name", name), ("valueType", value_type),
                               ("category", "external"), ("description", text)):
                etree.SubElement(item, f"{{{PROPERTY}}}{key}").text = value
    return description


def _resource(parent):
    item = etree.SubElement(parent, f"{{{RDF}}}li")
    item.set(f"{{{RDF}}}parseType", "Resource")
    return item


# ---------------------------------------------------------------- verdict
def validate(path: Path) -> Verdict:
    """pikepdf.pdfa.validate_written on path, with its extension schemas honoured."""
    import pikepdf
    import pikepdf.pdfa

    with _VALIDATING:
        _install_speed_ups()
        report = pikepdf.pdfa.validate_written(path, FLAVOUR)
    packet, unmapped = b"", []
    try:
        with pikepdf.open(path) as pdf:
            packet = pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else b""
            unmapped = fonts_without_unicode(pdf)
    except pikepdf.PdfError:
        pass  # validate_written has reported it
    declared, schema_problems = declared_properties(packet)
    covered = [f for f in report.findings if _covered(f, declared)]
    problems = [("extension-schema", p) for p in schema_problems if covered] + \
               [("ToUnicode", f"font {name} has no /ToUnicode map") for name in unmapped]
    return Verdict(tuple(f for f in report.findings if f not in covered), tuple(covered),
                   tuple(problems))


def fonts_without_unicode(pdf) -> list[str]:
    """Names of the fonts the pages use (also inside forms) that have no
    /ToUnicode: their text cannot be searched or copied reliably."""
    import pikepdf

    missing, seen = set(), set()

    def visit(resources, depth=0):
        if not isinstance(resources, pikepdf.Dictionary) or depth > 8:
            return
        for font in resources.get("/Font", pikepdf.Dictionary()).values():
            key = font.objgen if font.is_indirect else id(font)
            if key in seen:
                continue
            seen.add(key)
            if "/ToUnicode" not in font and font.get("/Subtype") != "/Type3":
                missing.add(str(font.get("/BaseFont", "(unnamed)")).lstrip("/"))
        for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"), depth + 1)

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    return sorted(missing)


def declared_properties(packet: bytes) -> tuple[dict[str, tuple[str, set[str]]], list[str]]:
    """prefix -> (namespace URI, property names) that an XMP packet's
    extension schemas declare, and what is wrong with them (a property used
    but not declared, a declaration without name, type, category or description)."""
    if not packet:
        return {}, []
    try:
        tree = etree.fromstring(packet, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return {}, [f"XMP is not well-formed: {exc}"]
    declared: dict[str, tuple[str, set[str]]] = {}
    problems = []
    for entry in tree.iterfind(f".//{{{EXTENSION}}}schemas/{{{RDF}}}Bag/{{{RDF}}}li"):
        uri, prefix = entry.findtext(f"{{{SCHEMA}}}namespaceURI"), entry.findtext(f"{{{SCHEMA}}}prefix")
        if not uri or not prefix:
            problems.append("a schema without namespaceURI or prefix")
            continue
        names = declared.setdefault(prefix, (uri, set()))[1]
        for prop in entry.iterfind(f"{{{SCHEMA}}}property/{{{RDF}}}Seq/{{{RDF}}}li"):
            fields = {key: prop.findtext(f"{{{PROPERTY}}}{key}")
                      for key in ("name", "valueType", "category", "description")}
            missing = [key for key, value in fields.items() if not value]
            if missing:
                problems.append(f"property {fields['name']!r} of {uri} lacks {', '.join(missing)}")
            else:
                names.add(fields["name"])
    by_uri = dict(declared.values())
    for description in tree.iter(f"{{{RDF}}}Description"):
        for child in description:
            name = etree.QName(child)
            if name.namespace in by_uri and name.localname not in by_uri[name.namespace]:
                problems.append(f"{child.prefix}:{name.localname} is used but not declared")
    return declared, problems


def _covered(finding, declared: dict[str, tuple[str, set[str]]]) -> bool:
    """Is this finding pikepdf's 'not permitted' for something the file declares?"""
    if not finding.rule.endswith(DECLARED_RULE) or not declared:
        return False
    namespace = re.fullmatch(r"XMP namespace [\w.-]+=(\S+) is not permitted", finding.message)
    if namespace:
        uri = namespace.group(1)
        return uri in EXTENSION_NAMESPACES or any(uri == u for u, _ in declared.values())
    prop = re.fullmatch(r"XMP property ([\w.-]+):(\w+) is not permitted", finding.message)
    if not prop:
        return False
    prefix, name = prop.groups()
    return (prefix, name) == ("pdfaExtension", "schemas") or name in declared.get(prefix, ("", ()))[1]


# ------------------------------------- speed: the same proof, made cheaper
# Most of a validation is fontTools reading the embedded font programs in pure
# Python (for Type 1, decrypting them byte by byte and interpreting their
# PostScript), and most of the rest jsonschema. The GIL runs one validation at
# a time anyway: the lock makes that explicit, so what is kept below is never
# used by two at once. Kept in this process's memory only, never in a file:
# nothing to tamper with. Each hook is installed only on the pikepdf whose
# internals it knows (requirements.txt pins 10.18); another runs as shipped.
_VALIDATING = threading.Lock()
_PROGRAMS: dict[tuple[object, bytes], object] = {}  # (parser, sha256 of the bytes) -> program
_PROGRAMS_LIMIT = 2048
_PASSED: set[tuple[str, str, str]] = set()  # (flavour, role, JSON) of schema checks passed
_PASSED_LIMIT = 200_000


def _install_speed_ups() -> None:
    _remember_font_programs()
    _remember_passing_schema_checks()
    _decrypt_faster()


def _has_signature(function, *names: str) -> bool:
    return not getattr(function, "pipeline_memo", False) and \
        list(inspect.signature(function).parameters) == list(names)


def _remember_font_programs() -> None:
    """Keep each font program pikepdf.pdfa parses, by its parser and the
    sha256 of its bytes: the issue PDF holds the offprints' font streams byte
    for byte, and an offprint rebuilt at other pages mostly the same ones. A
    parsed program is a function of those bytes alone (its parsers take
    nothing else), so reusing it checks exactly what parsing again would. A
    program that fails to parse is not kept: its finding is made again each
    time. Everything else about a font (its dictionary, widths, encoding, the
    glyphs each page shows) is checked anew in each PDF."""
    from pikepdf.pdfa import _fonts

    loader = _fonts._Loader
    if not _has_signature(loader.program, "self", "factory", "data", "what"):
        return
    parse = loader.program

    def program(self, factory, data, what):
        key = (factory, hashlib.sha256(data).digest())
        known = _PROGRAMS.get(key)
        if known is None:
            known = parse(self, factory, data, what)
            if known is not None and len(_PROGRAMS) < _PROGRAMS_LIMIT:
                _PROGRAMS[key] = known
        return known

    program.pipeline_memo = True
    loader.program = program


def _remember_passing_schema_checks() -> None:
    """pikepdf.pdfa checks each object's shallow JSON form against its role's
    JSON schema (jsonschema, pure Python: most of what is left once fonts are
    parsed). The verdict is a function of the flavour, the role and that JSON
    alone: keep the checks that passed, by the JSON text, and answer those
    again without jsonschema. A check that failed is made again, with its findings."""
    from pikepdf.pdfa._schemas import SchemaSet

    if not _has_signature(SchemaSet.check, "self", "role", "shallow", "ctx", "where"):
        return
    check = SchemaSet.check

    def remembered(self, role, shallow, ctx, where):
        try:
            key = (str(self.flavour), role, json.dumps(shallow, sort_keys=True, allow_nan=False))
        except (TypeError, ValueError):  # not plain JSON: no memory, check it
            return check(self, role, shallow, ctx, where)
        if key in _PASSED:
            return True
        passed = check(self, role, shallow, ctx, where)
        if passed and len(_PASSED) < _PASSED_LIMIT:
            _PASSED.add(key)
        return passed

    remembered.pipeline_memo = True
    SchemaSet.check = remembered


def parse_fonts_meanwhile(paths: list[Path]) -> threading.Thread | None:
    """Parse, in a background thread, the font programs of PDFs whose fonts
    will be met again (offprints reused from the last build, the last issue
    PDF's cover and contents), while other articles are typeset: the
    validations then find them parsed. Only a head
    start: each is parsed by the parser pikepdf.pdfa picks for its stream
    (the key includes it), and a PDF or program that cannot be read is left
    to the validation. Not a daemon (an exit in the middle of pikepdf's
    import aborts Python, see article._import_pikepdf_meanwhile): it stops
    after the program at hand once the main thread has ended."""
    if not paths:
        return None
    thread = threading.Thread(target=_parse_fonts, args=(list(paths),))
    thread.start()
    return thread


def _parse_fonts(paths: list[Path]) -> None:
    import pikepdf
    import pikepdf.pdfa  # noqa: F401  (pikepdf.pdfa._fontprogram needs its package)

    with _VALIDATING:
        _install_speed_ups()
    for path in paths:
        try:
            with pikepdf.open(path) as pdf:
                programs = [found for obj in pdf.objects for found in _font_program(obj)]
                for parser, data in programs:
                    if not threading.main_thread().is_alive():
                        return
                    key = (parser, hashlib.sha256(data).digest())
                    with _VALIDATING:
                        if key not in _PROGRAMS and len(_PROGRAMS) < _PROGRAMS_LIMIT:
                            _PROGRAMS[key] = parser(data)
        except Exception:  # noqa: BLE001  (unreadable: the validation will say so, at its rule)
            continue


def _font_program(obj):
    """(parser, bytes) of a font descriptor's embedded program, as pikepdf.pdfa's
    font loader chooses them (_fonts._Loader.type1, truetype, cid_font)."""
    import pikepdf
    from pikepdf.pdfa._fontprogram import CFFProgram, TrueTypeProgram, Type1Program

    if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
        return
    for key, parser in (("/FontFile", Type1Program), ("/FontFile2", TrueTypeProgram),
                        ("/FontFile3", None)):
        stream = obj.get(key)
        if not isinstance(stream, pikepdf.Stream):
            continue
        if parser is None:
            parser = TrueTypeProgram if stream.get("/Subtype") == "/OpenType" else CFFProgram
        yield parser, stream.read_bytes()


def _decrypt_faster() -> None:
    """fontTools' Type 1 decryption, the same function 4 times faster (one
    bytearray, no call per byte); tests compare the two on real fonts."""
    from fontTools.misc import eexec

    if eexec.decrypt is not decrypt:
        eexec.decrypt = decrypt


def decrypt(cipher: bytes, key: int) -> tuple[bytes, int]:
    """Type 1 eexec/charstring decryption (Adobe Type 1 Font Format, 7.2):
    the plain bytes and the key after the last one, as fontTools.misc.eexec.decrypt."""
    plain = bytearray(len(cipher))
    for index, byte in enumerate(cipher):
        plain[index] = byte ^ (key >> 8)
        key = ((byte + key) * 52845 + 22719) & 0xFFFF
    return bytes(plain), key
