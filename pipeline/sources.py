"""Reading input files: text decoding, front matter, and YAML with positions.

Nothing here knows what the fields mean (that is model.py); this module
only guarantees that what it returns came from a well-formed UTF-8 file
and strict, plain YAML, and remembers where each value stood.
"""
from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, Location, machine_fault

MAX_TEXT_BYTES = 2 * 1024 * 1024      # a manuscript or issue.yaml
MAX_FIGURE_BYTES = 100 * 1024 * 1024  # one figure file
MAX_NAME_BYTES = 200                  # a file name: room for a scratch suffix within 255
MAX_YAML_DEPTH = 20                   # mappings and lists inside each other

_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in
               ("str", "int", "float", "bool", "null", "seq", "map")}


def read_input(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of an input file, read once. Links, FIFOs, devices, folders and
    files over limit bytes are refused before anything is read from them."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise InputError("file not found", where=Location(path),
                         hint="check the path, or the file name listed in issue.yaml") from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    _check_regular(path, info, limit)
    try:  # O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or FIFO meanwhile is refused
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    with os.fdopen(descriptor, "rb") as file:
        _check_regular(path, os.fstat(descriptor), limit)
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew while being read
        raise _too_large(path, limit)
    return data


def _check_regular(path: Path, info: os.stat_result, limit: int) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise InputError("the file is a symbolic link", where=Location(path),
                         hint="put the file itself in the issue folder instead of a link to it")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                "not a regular file")
        raise InputError(f"the input is {kind}, not a file", where=Location(path),
                         hint="inputs must be ordinary files in the issue folder")
    if info.st_size > limit:
        raise _too_large(path, limit)


def _too_large(path: Path, limit: int) -> InputError:
    return InputError(f"the file is larger than {limit >> 20} MB", where=Location(path),
                      hint="inputs are limited in size; check that this is the right file")


def _unreadable(path: Path, exc: OSError) -> Exception:
    if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
        return InputError("the file is a symbolic link", where=Location(path),
                          hint="put the file itself in the issue folder instead of a link to it")
    if exc.errno in (errno.EMFILE, errno.ENOMEM):
        return machine_fault(exc)
    return InputError(f"cannot read the file ({exc.strerror})", where=Location(path))


def check_name(path: Path) -> None:
    """A file name short enough (in bytes) for the scratch names made from it."""
    size = len(os.fsencode(path.name))
    if size > MAX_NAME_BYTES:
        raise InputError(f"the file name is {size} bytes long (UTF-8); at most "
                         f"{MAX_NAME_BYTES} are allowed", where=Location(path),
                         hint="shorten the file name (letters outside ASCII take 2 to 4 bytes)")


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM is dropped), LF line ends, no control characters."""
    return decode_text(path, read_input(path))


def decode_text(path: Path, data: bytes) -> str:
    """Bytes read from path as text (see read_text)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data):
        raise InputError("the file is UTF-16, not UTF-8", where=Location(path, 1),
                         hint="save it again as UTF-8 (in most editors: Save As, Encoding: UTF-8)")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"byte 0x{data[exc.start]:02x} is not UTF-8 text",
                         where=Location(path, line, column),
                         hint="save the file as UTF-8 (it is probably Latin-1 or Windows-1252)") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _BAD_CONTROL.search(text)
    if bad:
        raise InputError(f"control character U+{ord(bad.group()):04X} in the text",
                         where=_location_of(path, text, bad.start()),
                         hint="delete it; it is invisible in most editors and prints nothing")
    return text


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: text whose every other byte is NUL."""
    head = data[:200]
    return len(head) >= 8 and (head[0::2].count(0) > len(head) // 4 * 3 // 2
                               or head[1::2].count(0) > len(head) // 4 * 3 // 2)


def _location_of(path: Path, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(path, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


@dataclass
class Manuscript:
    """A Markdown file split into its front matter and its body."""

    path: Path
    front_matter: str
    body: str
    body_line: int  # line of the file on which the body starts


def split_front_matter(path: Path, text: str) -> Manuscript:
    """Split '---' YAML '---' (or '...') from the Markdown body that follows."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise InputError("the file does not start with front matter", where=Location(path, 1),
                         hint="begin the file with a line '---', the article's fields "
                              "(title, authors...), and another line '---'")
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            body = "\n".join(lines[number:])
            if not body.strip():
                raise InputError("the article has no text after its front matter",
                                 where=Location(path, number),
                                 hint="write the article below the closing '---'")
            return Manuscript(path, "\n".join(lines[1:number - 1]), body, number + 1)
    raise InputError("the front matter opened on line 1 is never closed", where=Location(path, 1),
                     hint="add a line '---' after the last field, before the article's text")


@dataclass
class YamlData:
    """Plain values from a YAML mapping plus the position of each, by key path."""

    value: dict
    path: Path
    first_line: int = 1
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    written: dict[tuple, str] = field(default_factory=dict)  # scalars as typed

    def where(self, *keys) -> Location:
        """The location of a value (or of the nearest enclosing one)."""
        while keys and keys not in self.positions:
            keys = keys[:-1]
        if keys not in self.positions:  # empty front matter: its opening line
            return Location(self.path, max(1, self.first_line - 1))
        return Location(self.path, *self.positions[keys])

    def as_written(self, keys: tuple, value):
        """A scalar exactly as typed (title: 3.10 is '3.10', not 3.1)."""
        return self.written.get(keys, value)

    def where_key(self, *keys) -> Location:
        """The location of a mapping key itself (where a misspelt key stands)."""
        if keys in self.key_positions:
            return Location(self.path, *self.key_positions[keys])
        return self.where(*keys)


def load_yaml(text: str, path: Path, first_line: int = 1) -> YamlData:
    """Parse strict YAML: one mapping, no duplicate keys, anchors, aliases or tags."""
    loader = _StrictLoader(text)
    node = _compose_with_libyaml(text)
    if node is False:
        node = _compose_strictly(loader, path, first_line)
    data = YamlData({}, path, first_line)
    if node is None:
        return data
    if not isinstance(node, yaml.MappingNode):
        raise InputError("expected 'key: value' lines", where=_node_location(node, path, first_line),
                         hint="write one field per line, as 'title: My title'")
    data.value = _plain(node, (), data, loader, first_line)
    return data


_YAML_EVENTS_IN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_YAML_EVENTS_OUT = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _compose_with_libyaml(text: str):
    """The node tree made by libyaml (ten times faster), or False when the text holds
    anything the strict loader refuses or reports (an error, a tag, an anchor, deep
    nesting): that loader then reads it again and words the message."""
    if not getattr(yaml, "__with_libyaml__", False):
        return False
    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) \
                    or getattr(event, "tag", None) not in (None, "!"):
                return False
            depth += isinstance(event, _YAML_EVENTS_IN) - isinstance(event, _YAML_EVENTS_OUT)
            if depth >= MAX_YAML_DEPTH:
                return False
        return yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return False


def _compose_strictly(loader: "_StrictLoader", path: Path, first_line: int):
    """The node tree made by the strict pure-Python loader, or an InputError at line:column."""
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # "while scanning a quoted scalar" points at where the quote opened:
        # that is where the author has to look, not at the end of the file.
        opened = exc.context and exc.context.startswith("while scanning") and exc.context_mark
        mark = exc.context_mark if opened else (exc.problem_mark or exc.context_mark)
        problem = f"{exc.context}: {exc.problem}" if opened else (exc.problem or exc.context)
        where = Location(path, mark.line + first_line, mark.column + 1) if mark else Location(path)
        if isinstance(exc, _Refused):
            raise InputError(problem, where=where, hint=exc.hint) from None
        raise InputError(f"invalid YAML: {problem}", where=where,
                         hint="check indentation, colons after keys, and quote values "
                              "that contain ': ' or start with a special character") from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", where=Location(path, first_line)) from None
    finally:
        loader.dispose()


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML the pipeline does not accept, and what to do instead."""

    def __init__(self, problem: str, problem_mark, hint: str):
        super().__init__(problem=problem, problem_mark=problem_mark)
        self.hint = hint


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that stops at the first anchor or alias (&name, *name: they
    hide values in other places, and aliases can nest into a bomb), at any
    explicit tag (!!float "abc"), and at nesting deeper than MAX_YAML_DEPTH."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._refuse(event, "anchors and aliases (&name, *name) are not allowed",
                         "write the value out in full")
        if getattr(event, "tag", None) not in (None, "!"):
            self._refuse(event, f"YAML tag '{event.tag}' is not allowed",
                         "remove the '!' tag and write a plain value")
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                self._refuse(event, f"values are nested more than {MAX_YAML_DEPTH} deep",
                             "write the fields as the README shows them")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    @staticmethod
    def _refuse(event, problem: str, hint: str):
        raise _Refused(problem, event.start_mark, hint)


def _node_location(node, path: Path, first_line: int) -> Location:
    return Location(path, node.start_mark.line + first_line, node.start_mark.column + 1)


def _plain(node, keys: tuple, data: YamlData, loader, first_line: int):
    data.positions[keys] = (node.start_mark.line + first_line, node.start_mark.column + 1)
    if node.tag not in _PLAIN_TAGS:
        raise InputError(f"YAML tag '{node.tag}' is not allowed",
                         where=_node_location(node, data.path, first_line),
                         hint="remove the '!' tag and write a plain value")
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if key_node.tag not in _PLAIN_TAGS:  # '<<' merge keys among them
                raise InputError(f"YAML key '{key_node.value}' ({key_node.tag}) is not allowed",
                                 where=_node_location(key_node, data.path, first_line),
                                 hint="write every field out in full, without '<<' merges")
            key = _scalar(key_node, data, loader, first_line)
            if not isinstance(key, str):
                raise InputError(f"key {key!r} is not a name",
                                 where=_node_location(key_node, data.path, first_line))
            if key in result:
                raise InputError(f"key '{key}' appears twice",
                                 where=_node_location(key_node, data.path, first_line),
                                 hint="keep one of the two; YAML would silently use the last")
            data.key_positions[keys + (key,)] = (key_node.start_mark.line + first_line,
                                                 key_node.start_mark.column + 1)
            result[key] = _plain(value_node, keys + (key,), data, loader, first_line)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, keys + (index,), data, loader, first_line)
                for index, item in enumerate(node.value)]
    data.written[keys] = node.value
    return _scalar(node, data, loader, first_line)


_UNWANTED = re.compile(r"[\ud800-\udfff\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _scalar(node, data: YamlData, loader, first_line: int):
    """A scalar's value; one Python cannot hold or TeX cannot print is refused."""
    try:
        value = loader.construct_object(node)
    except (ValueError, OverflowError, yaml.YAMLError):
        raise InputError(f"the value '{node.value[:40]}' cannot be read "
                         f"({len(node.value)} characters)",
                         where=_node_location(node, data.path, first_line),
                         hint="write a plain value; quote it if it is meant as text") from None
    bad = _UNWANTED.search(value) if isinstance(value, str) else None
    if bad:
        kind = "a lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "a control character"
        raise InputError(f"the value holds {kind}, U+{ord(bad.group()):04X}",
                         where=_node_location(node, data.path, first_line),
                         hint="remove the \\u or \\x escape: it stands for no printable character")
    return value


def yaml_comment_warnings(text: str, path: Path, first_line: int = 1) -> list[str]:
    """A warning for each plain (unquoted) value followed on its line by ' #':
    YAML drops the rest of the line as a comment, which an author rarely means.
    A comment set off by two or more spaces is taken as deliberate."""
    warnings, lines = [], text.split("\n")
    try:
        tokens = list(yaml.scan(text))
    except yaml.YAMLError:
        return []  # load_yaml reports the syntax error itself
    for before, token, after in zip(tokens, tokens[1:], tokens[2:]):
        if not (isinstance(token, yaml.ScalarToken) and token.plain
                and isinstance(before, yaml.ValueToken | yaml.BlockEntryToken | yaml.FlowEntryToken
                               | yaml.FlowSequenceStartToken)
                and not isinstance(after, yaml.ValueToken)):
            continue
        line = lines[token.end_mark.line]
        rest = line[token.end_mark.column:]
        if rest.startswith((" #", "\t#")):
            column = token.end_mark.column + 2
            kept = " ".join(text[token.start_mark.index:token.end_mark.index].split())
            warnings.append(
                f"{Location(path, token.end_mark.line + first_line, column)}: warning: "
                f"the rest of this line, '{rest.strip()}', is a YAML comment: the value is only "
                f"'{kept}'\n  what to do: to keep it, quote the whole value: "
                f"\"{kept}{rest.rstrip()}\"")
    return warnings
