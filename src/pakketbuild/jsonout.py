"""Indented JSON text, byte for byte what ``json.dumps(value, ensure_ascii=False,
indent=2, sort_keys=…)`` writes, several times faster.

The standard library encodes with C code only without ``indent``; with it, every value
passes through a chain of Python generators as deep as the document (a feed of 1,000
items is millions of ``yield``s). This encoder is one recursive function that appends to
a list and uses the standard library's own C string escaping and number formatting, so
the output is the same. Values it does not know (anything but ``dict`` with ``str``
keys, ``list``, ``tuple``, ``str``, ``int``, ``float``, ``bool`` and ``None``) make it
hand the whole value to :func:`json.dumps`.

Standard library only: :mod:`pakketbuild.build` uses it for the manifest.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INFINITY = float("inf")


class Fragment(str):
    """JSON text this module wrote (at the outermost level, with the same ``indent``), to
    be placed as a value inside another document: its line breaks get the indentation of
    the place it lands. JSON text has no line break inside a string (they are written
    ``\\n``), so every line break is one between values. A document that repeats the same
    part (an item in its own API file, in its pakket's and in several feeds) encodes it
    once."""

    __slots__ = ()


class _Unsupported(Exception):
    """A value the fast path does not handle; :func:`dumps` falls back to ``json``."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def dumps(value: Any, *, indent: int = 2, sort_keys: bool = False) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)``."""
    out: list[str] = []
    try:
        _encode(value, out, "\n", " " * indent, sort_keys)
    except (_Unsupported, RecursionError):
        return json.dumps(_plain(value), ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    return "".join(out)


def _plain(value: Any) -> Any:
    """``value`` with every :class:`Fragment` parsed (for :func:`json.dumps`, which would
    write a fragment as a string)."""
    if isinstance(value, Fragment):
        return json.loads(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _encode(value: Any, out: list[str], newline: str, step: str, sort_keys: bool) -> None:
    """Append ``value`` at the nesting level whose line starts are ``newline``."""
    kind = type(value)
    if kind is str:
        out.append(quote(value))
    elif kind is Fragment:
        out.append(value.replace("\n", newline))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + step
        separator = "," + inner
        prefix = "{" + inner
        items = sorted(value.items()) if sort_keys else value.items()
        for key, item in items:
            if type(key) is not str:
                raise _Unsupported
            # Scalars inline (most values are text), containers recursively.
            if type(item) is str:
                out.append(prefix + quote(key) + ": " + quote(item))
            else:
                out.append(prefix + quote(key) + ": ")
                _encode(item, out, inner, step, sort_keys)
            prefix = separator
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + step
        separator = "," + inner
        prefix = "[" + inner
        for item in value:
            if type(item) is str:
                out.append(prefix + quote(item))
            else:
                out.append(prefix)
                _encode(item, out, inner, step, sort_keys)
            prefix = separator
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(_float(value))
    elif isinstance(value, str):  # a str subclass (StrEnum): its text, as json writes it
        out.append(quote(value))
    else:
        raise _Unsupported


quote = encode_basestring
"""JSON string literal of a ``str`` (the standard library's C function, no ASCII escaping)."""
