"""The second journal's archive: Regional Studies' sample issue, packaged from the
session's one build (built_regional), with what its model adds to the records:
article types, abstracts, degrees, positions, affiliations, ORCID, and an
unsigned editor's note (no contrib-group; Crossref contributors only for the
signed; DOAJ, which needs an author, leaves it out)."""
from __future__ import annotations

import dataclasses
import json

import bagit
import pytest

from pipeline import package, registry, schemas

CROSSREF = "{http://www.crossref.org/schema/5.3.1}"
JATS1 = "{http://www.ncbi.nlm.nih.gov/JATS1}"
TYPES = {"editors-note": "editorial", "afghanistan-transition": "research-article",
         "casa-1000": "research-article", "beijing-ministerial": "commentary",
         "book-review-cooley": "book-review"}


@pytest.fixture(scope="module")
def archived(built_regional) -> package.Archived:
    return package.archive(built_regional.result, built_regional.dirs)


@pytest.fixture(scope="module")
def jats(archived) -> dict:
    return {path.stem: schemas.parse(path.read_bytes())
            for path in sorted((archived.bag / "data" / "jats").glob("*.xml"))}


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


def test_the_bag_validates_and_names_what_doaj_leaves_out(archived):
    bag = bagit.Bag(str(archived.bag))
    bag.validate()
    assert bag.version_info == (1, 0)
    assert archived.bag.name == "regional-studies-v32-n4"
    assert archived.not_registrable == ["editors-note"]     # no doi:
    assert archived.not_in_doaj == ["editors-note"]        # no author
    provenance = json.loads((archived.bag / "data" / "provenance.json").read_text())
    assert provenance["not_in_doaj"] == ["editors-note"]


def test_every_jats_file_validates_with_its_article_type(jats):
    assert jats.keys() == TYPES.keys()
    schema = schemas.load(schemas.JATS)
    for slug, document in jats.items():
        assert schemas.errors(schema, document) == [], slug
        assert document.get("article-type") == TYPES[slug], slug
        assert document.findtext("front/article-meta/volume") == "32"


def test_the_unsigned_note_has_no_contrib_group(jats):
    assert jats["editors-note"].find("front/article-meta/contrib-group") is None
    for slug in TYPES.keys() - {"editors-note"}:
        assert jats[slug].find("front/article-meta/contrib-group/contrib/name") is not None


def test_the_abstract_is_the_rendered_abstract(jats, built_regional):
    for slug in ("afghanistan-transition", "casa-1000"):
        abstract = jats[slug].find("front/article-meta/abstract")
        rendered = built_regional.built[slug].rendered.abstract.plain
        assert words(abstract) == " ".join(rendered.split())
        assert abstract.find("p") is not None
    assert words(jats["afghanistan-transition"].find("front/article-meta/abstract")).startswith(
        "The year 2014 closed the combat mission of the International Security Assistance Force")
    assert jats["book-review-cooley"].find("front/article-meta/abstract") is None
    keywords = jats["afghanistan-transition"].findall("front/article-meta/kwd-group/kwd")
    assert [k.text for k in keywords] == ["Afghanistan", "regional security complex",
                                          "Istanbul Process", "Pakistan", "transition"]


def test_an_author_carries_orcid_degree_affiliation_and_position(jats):
    first, second = jats["casa-1000"].findall("front/article-meta/contrib-group/contrib")
    assert first.findtext("contrib-id[@contrib-id-type='orcid']") == \
        "https://orcid.org/0000-0002-1825-0097"
    assert first.findtext("name/surname") == "Durrani"
    assert first.findtext("degrees") == "PhD"
    assert first.findtext("aff") == "University of Leeds"
    assert first.findtext("role") == \
        "Senior Research Analyst at the Institute of Regional Studies, Islamabad"
    assert second.find("contrib-id") is None and second.findtext("degrees") == "M.Sc."
    hina = jats["afghanistan-transition"].find("front/article-meta/contrib-group/contrib")
    assert hina.findtext("email") == "hina.siddiqi@example.org"
    assert hina.find("bio") is None      # no bio in the front matter: no empty <bio>


def test_crossref_carries_orcid_affiliation_and_abstract(archived, built_regional):
    deposit = schemas.parse((archived.bag / "data" / "registry" / "crossref.xml").read_bytes())
    assert schemas.errors(schemas.load(schemas.CROSSREF, schemas.shared_folder()), deposit) == []
    articles = {a.findtext(f"{CROSSREF}doi_data/{CROSSREF}doi"): a
                for a in deposit.iter(f"{CROSSREF}journal_article")}
    assert len(articles) == 4            # the editor's note has no doi:
    casa = articles[built_regional.built["casa-1000"].article.doi]
    person = casa.find(f"{CROSSREF}contributors/{CROSSREF}person_name")
    assert person.findtext(f"{CROSSREF}ORCID") == "https://orcid.org/0000-0002-1825-0097"
    assert person.findtext(f".//{CROSSREF}institution_name") == "University of Leeds"
    assert words(casa.find(f"{JATS1}abstract")) == \
        " ".join(built_regional.built["casa-1000"].rendered.abstract.plain.split())
    assert (casa.findtext(f"{CROSSREF}pages/{CROSSREF}first_page"),
            casa.findtext(f"{CROSSREF}pages/{CROSSREF}last_page")) == \
        (str(built_regional.built["casa-1000"].first_page),
         str(built_regional.built["casa-1000"].last_page))


def test_doaj_lists_the_signed_items_with_their_abstracts(archived):
    doaj = schemas.parse((archived.bag / "data" / "registry" / "doaj.xml").read_bytes())
    assert schemas.errors(schemas.load(schemas.DOAJ), doaj) == []
    records = {r.findtext("publisherRecordId").split("/")[1]: r for r in doaj.findall("record")}
    assert records.keys() == TYPES.keys() - {"editors-note"}
    assert records["beijing-ministerial"].findtext("documentType") == "commentary"
    assert records["afghanistan-transition"].findtext("abstract").startswith("The year 2014")
    assert records["book-review-cooley"].find("abstract") is None
    assert records["casa-1000"].findtext("authors/author/orcid_id") == \
        "https://orcid.org/0000-0002-1825-0097"


def test_an_unsigned_item_with_a_doi_registers_without_contributors(built_regional):
    """No build: the note's record from the model, given a DOI."""
    note = built_regional.built["editors-note"]
    with_doi = dataclasses.replace(
        note, article=dataclasses.replace(note.article, doi="10.5555/regionalstudies.2014.32.4.0"))
    deposit = schemas.parse(registry.crossref(note.article.issue, [with_doi], "20141001000001"))
    assert schemas.errors(schemas.load(schemas.CROSSREF, schemas.shared_folder()), deposit) == []
    entry = deposit.find(f".//{CROSSREF}journal_article")
    assert entry.find(f"{CROSSREF}contributors") is None
    assert entry.findtext(f"{CROSSREF}titles/{CROSSREF}title") == "Editor’s Note"
