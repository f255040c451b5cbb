"""An article's front-matter text as Pandoc rendered it, once (templates/filters/rendered.lua).

Each field comes in two forms: LaTeX, exactly what the article's first page
prints (for the contents page), and plain text, what a reader sees there
(for bookmarks, PDF metadata and the post-build check). Nothing else renders
a title, so no two places can show it differently.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rendered:
    latex: str
    plain: str

    def joined(self, separator: str, other: Rendered | None) -> Rendered:
        """self, separator and other ('Title: Subtitle'); self alone if other is None."""
        if other is None:
            return self
        return Rendered(self.latex + separator + other.latex, self.plain + separator + other.plain)


@dataclass(frozen=True)
class FrontMatter:
    title: Rendered
    subtitle: Rendered | None
    names: tuple[Rendered, ...]
    bios: tuple[Rendered, ...]

    @property
    def full_title(self) -> Rendered:
        """The title with its subtitle after a colon, as listed and catalogued."""
        return self.title.joined(": ", self.subtitle)

    @property
    def byline(self) -> Rendered:
        """The names, comma-separated, as the contents list them."""
        return Rendered(", ".join(name.latex for name in self.names),
                        ", ".join(name.plain for name in self.names))

    @classmethod
    def from_json(cls, data: dict) -> FrontMatter:
        subtitle = data.get("subtitle")
        return cls(Rendered(**data["title"]), Rendered(**subtitle) if subtitle else None,
                   tuple(Rendered(**author["name"]) for author in data["authors"]),
                   tuple(Rendered(**author["bio"]) for author in data["authors"]))

    def to_json(self) -> dict:
        data = {"title": vars(self.title),
                "authors": [{"name": vars(name), "bio": vars(bio)}
                            for name, bio in zip(self.names, self.bios)]}
        if self.subtitle:
            data["subtitle"] = vars(self.subtitle)
        return data
