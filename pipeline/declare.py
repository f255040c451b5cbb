"""Fields declared once: the rules of a YAML record and the checker that walks them.

A frozen dataclass declares each YAML field on itself: `declared(rule,
default, advice=...)` gives its type and bounds (the rule), its default (none:
the key is required) and, where the rule's own advice would not do, what to
tell the editor. check_record walks dataclasses.fields(cls) to check a YAML
mapping against those declarations, with messages at file:line:col and "did
you mean"; the dataclasses are made from what it returns. issue.yaml and the
front matter (model.py) and a house style's style.yaml (style.py) are
declared this way.
"""
from __future__ import annotations

import difflib
import re
import string
from dataclasses import MISSING, dataclass, field, fields, replace

from .errors import InputError
from .sources import YamlData


# ------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Text:
    max_length: int = 300
    pattern: str | None = None
    example: str = ""
    multiline: bool = False          # may span lines (a YAML block scalar 'key: |')
    max_words: int | None = None

    def check(self, value, say):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            say(f"expected text, got {_kind(value)}")
        value = str(value).strip()
        if not value:
            say("must not be empty")
        if "\n" in value and not self.multiline:
            say("must be on one line")
        if len(value) > self.max_length:
            say(f"is {len(value)} characters long; at most {self.max_length} are allowed")
        words = len(value.split())
        if self.max_words and words > self.max_words:
            say(f"has {words} words; at most {self.max_words} are allowed")
        if self.pattern and not re.fullmatch(self.pattern, value):
            say(f"'{value}' is not of the form {self.example}")
        return value


@dataclass(frozen=True)
class Integer:
    low: int
    high: int

    def check(self, value, say):
        if isinstance(value, bool) or not isinstance(value, int):
            say(f"expected a whole number from {self.low} to {self.high}, got {_kind(value)}")
        if not self.low <= value <= self.high:
            say(f"{value} is out of range; expected {self.low} to {self.high}")
        return value


@dataclass(frozen=True)
class Boolean:
    def check(self, value, say):
        if not isinstance(value, bool):
            say(f"expected true or false, got {_kind(value)}")
        return value


def closest(value, known, *, fold: bool = False):
    """The item of known most like value (difflib's ratio of at least 0.6), or
    None: the "did you mean" of every message. fold: compare without case."""
    spelled = {str(item).casefold() if fold else str(item): item for item in known}
    wanted = str(value).casefold() if fold else str(value)
    close = difflib.get_close_matches(wanted, list(spelled), n=1, cutoff=0.6)
    return spelled[close[0]] if close else None


@dataclass(frozen=True)
class Choice:
    choices: tuple

    def check(self, value, say):
        if value not in self.choices:
            close = closest(value, self.choices, fold=True)
            say(f"'{value}' is not one of: {', '.join(map(str, self.choices))}",
                None if close is None else f"did you mean '{close}'?")
        return value


@dataclass(frozen=True)
class ListOf:
    item: object
    min_items: int = 0
    max_items: int = 200

    def check(self, value, say, data, keys, required=frozenset(), style=""):
        if isinstance(value, str) and isinstance(self.item, Text):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            say(f"expected a list, got {_kind(value)}")
        if not self.min_items <= len(value) <= self.max_items:
            wanted = (self.min_items if self.min_items == self.max_items
                      else f"{self.min_items} to {self.max_items}")
            say(f"has {len(value)} entries; expected {wanted}")
        return tuple(check_value(self.item, item, data, keys + (index,), "", required, style)
                     for index, item in enumerate(value))


@dataclass(frozen=True)
class Form(Text):
    """Text with named fields in braces, each one of fields: '{date}, No.{number}'."""

    fields: tuple = ()

    def check(self, value, say):
        value = super().check(value, say)
        known = f"the fields a form may name are: {', '.join('{' + f + '}' for f in self.fields)}"
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            say(f"is not a form ({exc})", "write a literal brace as '{{' or '}}'")
        for name in names:
            if name not in self.fields:
                close = closest(name, self.fields)
                say(f"names an unknown field '{{{name}}}'",
                    known if close is None else f"did you mean '{{{close}}}'?")
        return value


@dataclass(frozen=True)
class MapOf:
    """A mapping from names of one's choosing to values of one rule."""

    item: object

    def check(self, value, say, data, keys, required=frozenset(), style=""):
        if not isinstance(value, dict) or not value:
            say(f"expected 'name: value' lines under it, got {_kind(value)}")
        return {str(name): check_value(self.item, item, data, keys + (name,))
                for name, item in value.items()}


@dataclass(frozen=True)
class Record:
    """A nested mapping: the declared fields of a dataclass, made into one."""

    cls: type

    def check(self, value, say, data, keys, required=frozenset(), style=""):
        return self.cls(**check_record(self.cls, value, data, keys, required, style))


def declared(rule, default=MISSING, *, advice: str = ""):
    """A model field declared once: its rule (type, bounds), its default (none:
    the key is required) and the advice for a wrong value, if not the rule's."""
    return field(default=default, metadata={"rule": rule, "advice": advice})


def declarations(cls) -> dict:
    """name -> dataclasses.Field of the declared (YAML) fields of cls, in order."""
    return {f.name: f for f in fields(cls) if "rule" in f.metadata}


def field_names(cls) -> frozenset[str]:
    """Every dotted name a `required` set may hold for cls ('authors.bio', ...)."""
    names = set()
    for name, declaration in declarations(cls).items():
        names.add(name)
        rule = declaration.metadata["rule"]
        rule = rule.item if isinstance(rule, ListOf) else rule
        if isinstance(rule, Record):
            names |= {f"{name}.{inner}" for inner in field_names(rule.cls)}
    return frozenset(names)


def check_record(cls, value, data: YamlData, keys: tuple = (),
                 required: frozenset[str] = frozenset(), style: str = "") -> dict:
    """The declared fields of dataclass cls, checked in value (the YAML mapping at
    keys): name -> checked value, the default where a field is absent. A field
    without default, or named in required, must be there (a required list must
    not be empty); style names the house style that asks for the latter."""
    if not isinstance(value, dict):
        field_name = ".".join(str(k) for k in keys)
        fail(data, keys, f"'{field_name}' expected 'key: value' fields, got {_kind(value)}"
              if keys else f"expected 'key: value' fields, got {_kind(value)}",
              "write one 'key: value' line per field" if keys else "")
    known = declarations(cls)
    for name in value:
        if name not in known:
            close = closest(name, known)
            _fail_at_key(data, keys + (name,), f"unknown key '{name}'",
                         f"known keys here: {', '.join(known)}" if close is None else
                         f"did you mean '{close}'?")
    result = {}
    for name, declaration in known.items():
        rule, advice = declaration.metadata["rule"], declaration.metadata["advice"]
        wanted = name in required
        if wanted and isinstance(rule, ListOf):
            rule = replace(rule, min_items=max(1, rule.min_items))
        if name in value and value[name] is not None:
            inner = frozenset(n.split(".", 1)[1] for n in required if n.startswith(name + "."))
            result[name] = check_value(rule, value[name], data, keys + (name,), advice,
                                        inner, style)
        elif declaration.default is MISSING or wanted:
            because = (f"; the house style '{style}' requires it"
                       if style and declaration.default is not MISSING else "")
            fail(data, keys, f"required key '{name}' is missing",
                  f"add a line '{name}: ...'{because}")
        else:
            result[name] = declaration.default
    return result


def _kind(value) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text",
             list: "a list", dict: "a set of fields", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def fail(data: YamlData, keys: tuple, message: str, hint: str = ""):
    """A located input error about the value at keys (its parent's, if it is missing)."""
    raise InputError(message, where=data.where(*keys), hint=hint)


def _fail_at_key(data: YamlData, keys: tuple, message: str, hint: str = ""):
    raise InputError(message, where=data.where_key(*keys), hint=hint)


def check_value(rule, value, data: YamlData, keys: tuple, advice: str = "",
                 required: frozenset[str] = frozenset(), style: str = ""):
    field_name = ".".join(str(k) for k in keys)

    def say(problem, hint=None):
        fail(data, keys, f"'{field_name}' {problem}", hint or advice or _advice(rule, field_name))
    if isinstance(rule, (ListOf, MapOf, Record)):
        return rule.check(value, say, data, keys, required, style)
    if isinstance(rule, Text) and isinstance(value, (int, float)):
        value = data.as_written(keys, value)  # a number or true/false meant as text
    return rule.check(value, say)


def _advice(rule, field_name: str) -> str:
    key = field_name.rsplit(".", 1)[-1]
    if getattr(rule, "example", ""):
        return f"write it as in: {key}: {rule.example}"
    if isinstance(rule, Choice):
        return f"use one of: {', '.join(map(str, rule.choices))}"
    if isinstance(rule, Integer):
        return f"write a plain number, e.g. {key}: {rule.low}"
    if isinstance(rule, ListOf):
        return f"write a list, one '- item' per line under '{key}:'"
    if isinstance(rule, Boolean):
        return f"write {key}: true or {key}: false"
    if isinstance(rule, Record):
        return f"write one 'key: value' line per field under '{key}:'"
    if isinstance(rule, MapOf):
        return f"write one 'name: value' line per entry under '{key}:'"
    if isinstance(rule, Text) and rule.multiline:
        words = f"{rule.max_words} words, " if rule.max_words else ""
        return (f"write '{key}: |' and the text on the lines below it, indented "
                f"(at most {words}{rule.max_length} characters)")
    return f"write {key}: followed by the text on the same line (quote it if it has ': ')"
