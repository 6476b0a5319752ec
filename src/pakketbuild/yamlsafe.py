"""Safe YAML with source positions.

YAML is composed with libyaml (``CSafeLoader``) into a node graph, then turned into
plain Python values by our own small constructor, which:

* accepts only the core schema tags (str, int, float, bool, null, timestamp, seq, map) —
  object tags such as ``!!python/object`` are refused, never constructed;
* bounds alias expansion and nesting, so an alias bomb fails fast in bounded memory;
* refuses duplicate keys and non-text keys;
* keeps the line and column of every key and value, so diagnostics can point at them.

Timestamps stay text; the content model parses dates, so an impossible date such as
``2026-02-30`` becomes a precise model error rather than a YAML crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from pakketbuild.i18n import _

try:  # libyaml is fast; fall back to the pure-Python loader where it is missing.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]

MAX_NODES = 50_000
"""Most values one YAML document may expand to (aliases included)."""
MAX_DEPTH = 40
"""Deepest nesting of lists and mappings we accept; content needs fewer than 6 levels."""

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SEQ, _MAP, _STR, _MERGE = (f"{_CORE}{t}" for t in ("seq", "map", "str", "merge"))
_NULL, _BOOL_TAG, _INT, _FLOAT = (f"{_CORE}{t}" for t in ("null", "bool", "int", "float"))
_FLOW_OPEN = re.compile(r"[\[{]")


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column."""

    line: int
    col: int


@dataclass
class YamlProblem(Exception):
    """A YAML document could not be read; ``line``/``col`` are 1-based and file-relative."""

    line: int
    col: int
    code: str
    message: str


@dataclass
class Located:
    """YAML data plus where each of its keys and values came from."""

    data: Any
    keys: dict[Path_, Mark] = field(default_factory=dict)
    values: dict[Path_, Mark] = field(default_factory=dict)

    def mark(self, path: Path_) -> Mark:
        """The best position for ``path``: its key, else its value, else the nearest parent."""
        probe = tuple(path)
        while probe:
            if probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), Mark(1, 1))

    def value_mark(self, path: Path_) -> Mark:
        """The position of the value at ``path`` (falls back to :meth:`mark`)."""
        return self.values.get(tuple(path)) or self.mark(path)


def _mark(node: yaml.Node, line_offset: int) -> Mark:
    return Mark(node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


def _check_flow_depth(text: str, line_offset: int) -> None:
    """Refuse absurd ``[[[[…`` nesting before libyaml recurses into it."""
    if "[" not in text and "{" not in text:
        return
    depth = 0
    for line_no, line in enumerate(text.split("\n")):
        opening = line.count("[") + line.count("{")
        if depth + opening > MAX_DEPTH:  # the opening bracket that goes too deep
            for match in _FLOW_OPEN.finditer(line):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(
                        line_no + 1 + line_offset,
                        match.start() + 1,
                        "yaml-too-deep",
                        _(
                            "the fields are nested more than {depth} levels deep (brackets "
                            "inside brackets); content never needs that, so flatten it"
                        ).format(depth=MAX_DEPTH),
                    )
        depth = max(0, depth + opening - line.count("]") - line.count("}"))


def load_yaml(text: str, *, line_offset: int = 0) -> Located:
    """Parse one YAML document safely. ``line_offset`` shifts reported lines (front matter)."""
    _check_flow_depth(text, line_offset)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _translate_yaml_error(exc, text, line_offset) from None
    except yaml.YAMLError:  # pragma: no cover - libyaml always gives marks
        raise YamlProblem(
            1 + line_offset, 1, "yaml-syntax", _("the fields cannot be read; check the file")
        ) from None
    located = Located(None)
    if node is None:
        return located
    counter = [0]
    located.data = _convert(node, (), located, line_offset, counter, 0)
    return located


def _convert(
    node: yaml.Node, path: Path_, out: Located, offset: int, counter: list[int], depth: int
) -> Any:
    counter[0] += 1
    where = _mark(node, offset)
    if counter[0] > MAX_NODES:
        raise YamlProblem(
            where.line,
            where.col,
            "yaml-too-large",
            _(
                "the fields expand to more than {count} values (are references (*name) "
                "repeating each other?); write the values out instead"
            ).format(count=MAX_NODES),
        )
    if depth > MAX_DEPTH:
        raise YamlProblem(
            where.line,
            where.col,
            "yaml-too-deep",
            _("the fields are nested more than {depth} levels deep; flatten them").format(
                depth=MAX_DEPTH
            ),
        )
    out.values.setdefault(path, where)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, where)
    if node.tag != _SEQ and node.tag != _MAP:
        raise _tag_problem(node.tag, where)
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(child, (*path, index), out, offset, counter, depth + 1)
            for index, child in enumerate(node.value)
        ]
    assert isinstance(node, yaml.MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_mark = _mark(key_node, offset)
        if key_node.tag == _MERGE:
            raise YamlProblem(
                key_mark.line,
                key_mark.col,
                "yaml-merge-key",
                _("'<<' (copying fields from elsewhere) is not supported; write the fields out"),
            )
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            raise YamlProblem(
                key_mark.line,
                key_mark.col,
                "yaml-key",
                _("a field name must be plain text such as 'title'"),
            )
        key = str(key_node.value)
        if key in result:
            raise YamlProblem(
                key_mark.line,
                key_mark.col,
                "duplicate-key",
                _("the field '{key}' appears twice in the same block; keep one").format(key=key),
            )
        out.keys[(*path, key)] = key_mark
        result[key] = _convert(value_node, (*path, key), out, offset, counter, depth + 1)
    return result


_BOOL = {
    "true": True, "True": True, "TRUE": True, "yes": True, "Yes": True, "YES": True,
    "on": True, "On": True, "ON": True,
    "false": False, "False": False, "FALSE": False, "no": False, "No": False, "NO": False,
    "off": False, "Off": False, "OFF": False,
}  # fmt: skip


def _scalar(node: yaml.ScalarNode, where: Mark) -> Any:
    tag, value = node.tag, str(node.value)
    if tag not in _SCALAR_TAGS:
        raise _tag_problem(tag, where)
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL_TAG:
        return _BOOL.get(value, value)
    if tag == _INT:
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value  # YAML 1.1 oddities (sexagesimal, 0755): leave as text
    if tag == _FLOAT:
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    return value  # str and timestamp (dates are parsed by the model)


def _tag_problem(tag: str, where: Mark) -> YamlProblem:
    tag = tag.replace(_CORE, "!!", 1)
    return YamlProblem(
        where.line,
        where.col,
        "yaml-tag",
        _(
            "'{tag}' is not allowed here (a word starting with '!' can make the file run "
            "code); remove it and write a plain value"
        ).format(tag=tag),
    )


def _translate_yaml_error(exc: yaml.MarkedYAMLError, text: str, offset: int) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1 if mark else 1) + offset
    col = mark.column + 1 if mark else 1
    problem = (exc.problem or "").strip()
    if (
        "'\\t'" in problem
        or "\t" in problem
        or (mark is not None and _char_at(text, mark.line, mark.column) == "\t")
    ):
        return YamlProblem(
            line,
            col,
            "yaml-tab",
            _(
                "a tab is used to indent this line; only spaces are allowed, so replace the "
                "tab with spaces"
            ),
        )
    if "expected a single document" in (exc.context or ""):
        return YamlProblem(
            line,
            col,
            "yaml-syntax",
            _("there is a '---' line among the fields; the fields end at the second '---'"),
        )
    return YamlProblem(line, col, "yaml-syntax", _syntax_message(exc, text, mark))


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    """What the editor wrote that cannot be read, and what to write instead (no YAML terms)."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    line_text = ""
    if mark is not None:
        lines = text.split("\n")
        if 0 <= mark.line < len(lines):
            line_text = lines[mark.line].strip()
    shown = line_text if len(line_text) <= 60 else line_text[:57] + "..."
    first_colon = line_text.find(": ")
    indent = 0
    if mark is not None and 0 <= mark.line < len(text.split("\n")):
        raw = text.split("\n")[mark.line]
        indent = len(raw) - len(raw.lstrip(" "))
    if (
        "mapping values are not allowed" in problem
        and indent
        and mark.column == indent + (first_colon if first_colon >= 0 else 0)
    ):
        return _(
            "this line is indented further than the field above it ('{line}'); start it at "
            "the same position as that field, or put the text above in quotes"
        ).format(line=shown)
    if "mapping values are not allowed" in problem:
        return _(
            "this line has a second ': ' after the field name ('{line}'); put the text after "
            "the first ': ' in quotes, like title: \"Let op: dit is een voorbeeld\""
        ).format(line=shown)
    if "expected '-' indicator" in problem or ("block end" in problem and "'-'" in problem):
        return _(
            "the lines of this list are not indented equally; start every entry of a list "
            "with '- ' at the same position ('{line}')"
        ).format(line=shown)
    if "could not find expected ':'" in problem or "simple key" in context:
        return _(
            "a line has no ': ' between field name and text ('{line}'); write 'field: text', "
            "or indent a continued text further than its field"
        ).format(line=shown)
    if "cannot start any token" in problem or "found undefined alias" in problem:
        return _(
            "the text starts with a character that has a special meaning ('{line}'); put the "
            'text in quotes, like title: "*Nieuw* onderdeel"'
        ).format(line=shown)
    if (
        "found unexpected end" in problem
        or "expected ',' or ']'" in problem
        or ("expected ',' or '}'" in problem)
    ):
        return _(
            "a quote or bracket that is opened is never closed; add the closing quote or bracket"
        )
    if "quoted" in context or "unknown escape" in problem:
        return _(
            "the text in quotes cannot be read ('{line}'); a backslash \\ or a quote inside "
            "the text needs care: use single quotes '…' around text that contains \\ or \""
        ).format(line=shown)
    if (
        "expected <block end>" in problem
        or "expected <document start>" in problem
        or "did not find expected key" in problem
    ):
        return _(
            "this line is indented differently from the lines around it ('{line}'); give "
            "fields of the same block the same indentation (spaces)"
        ).format(line=shown)
    return _(
        "this line cannot be read ('{line}'); check the indentation and put text that "
        "contains ': ' or starts with a special character (such as *, &, !, [, {{, @) in quotes"
    ).format(line=shown)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""
