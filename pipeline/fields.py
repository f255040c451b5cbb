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


EMPTY = Rendered("", "")


@dataclass(frozen=True)
class FrontMatter:
    title: Rendered
    subtitle: Rendered | None
    names: tuple[Rendered, ...]
    bios: tuple[Rendered, ...]           # EMPTY for an author without one
    short_title: Rendered | None = None  # for running heads
    abstract: Rendered | None = None

    @property
    def full_title(self) -> Rendered:
        """The title with its subtitle after a colon, as listed and catalogued."""
        return self.title.joined(": ", self.subtitle)

    @property
    def byline(self) -> Rendered:
        """The names, comma-separated, as the contents list them."""
        return Rendered(", ".join(name.latex for name in self.names),
                        ", ".join(name.plain for name in self.names))

    @property
    def head_title(self) -> Rendered:
        """The short title, else the title: what a running head names."""
        return self.short_title or self.title

    @classmethod
    def from_json(cls, data: dict) -> FrontMatter:
        def optional(value: dict | None) -> Rendered | None:
            return Rendered(**value) if value else None
        return cls(Rendered(**data["title"]), optional(data.get("subtitle")),
                   tuple(Rendered(**author["name"]) for author in data["authors"]),
                   tuple(optional(author.get("bio")) or EMPTY for author in data["authors"]),
                   optional(data.get("short_title")), optional(data.get("abstract")))

    def to_json(self) -> dict:
        data = {"title": vars(self.title),
                "authors": [{"name": vars(name), "bio": vars(bio)}
                            for name, bio in zip(self.names, self.bios)]}
        for key in ("subtitle", "short_title", "abstract"):
            if getattr(self, key):
                data[key] = vars(getattr(self, key))
        return data
