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

import io
import re
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


def save(pdf, output: Path, *, where: Path) -> None:
    """Make the open pikepdf.Pdf PDF/A-2b, write it to output and prove it.

    On failure output is removed and InvalidOutput (exit 6) names the rules."""
    import pikepdf.pdfa

    make(pdf)
    # QPDF aborts the whole process (exit 134) when a write fails during a
    # deterministic save: make the PDF in memory and let Python write the
    # file, so a full disk or a file-size limit is an OSError (exit 8).
    buffer = io.BytesIO()
    pdf.save(buffer, **pikepdf.pdfa.resolve_save_kwargs(FLAVOUR, deterministic_id=True))
    output.write_bytes(buffer.getbuffer())
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
