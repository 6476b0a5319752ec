"""Turn pydantic's validation errors into plain-language diagnostics.

Pydantic speaks to programmers ("Input should be a valid string"); editors need to
know what is expected and how to fix it. Errors raised by our own validators
(:mod:`pakketbuild.model`) already carry a pakketbuild code and a plain message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pakketbuild.suggest import did_you_mean

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """A model error: where in the data (``loc``), which code, what to tell the editor."""

    loc: Loc
    code: str
    message: str
    at_key: bool = False
    """Point at the key rather than the value (unknown and missing fields)."""


def describe(value: Any) -> str:
    """Say in words what kind of value the editor wrote."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a block of fields"
    return type(value).__name__


def field_name(loc: Loc) -> str:
    """``('contacts', 0, 'phone')`` → ``contacts[0].phone``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "bool_type": "yes or no (true/false)",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "dict_type": "a block of fields",
    "model_type": "a block of fields",
    "model_attributes_type": "a block of fields",
}


def translate(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Every error in ``exc`` as a :class:`Problem`."""
    return [_one(error, model) for error in exc.errors(include_url=False)]


def _one(error: ErrorDetails, model: type[BaseModel]) -> Problem:
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    value = error.get("input")
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    name = field_name(loc) or "this file"

    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        guess = did_you_mean(str(loc[-1]), allowed)
        hint = f"{guess} " if guess else ""
        return Problem(
            loc,
            "unknown-field",
            f"'{loc[-1]}' is not a known field; {hint}allowed here: {', '.join(allowed)}",
            at_key=True,
        )
    if kind == "missing":
        return Problem(
            loc,
            "missing-field",
            f"the required field '{loc[-1]}' is missing; add a line '{loc[-1]}: …'",
            at_key=True,
        )
    if kind in _EXPECTED:
        quote = " (put text in quotes if it looks like a number, date or yes/no)"
        return Problem(
            loc,
            "wrong-type",
            f"expected {_EXPECTED[kind]}, found {describe(value)}"
            + (quote if kind == "string_type" else ""),
        )
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return Problem(
            loc, "invalid-value", f"{describe(value)} is not allowed here; choose one of {expected}"
        )
    if kind.startswith(("date_", "datetime_")):
        return Problem(
            loc,
            "invalid-date",
            f"{describe(value)} is not a valid date; write an existing date as YYYY-MM-DD, "
            "for example 2026-11-29",
        )
    if kind == "too_short":
        return Problem(loc, "missing-value", f"'{name}' needs at least one entry")
    if kind == "string_too_short":
        return Problem(loc, "missing-value", f"'{name}' must not be empty")
    if kind == "string_too_long":
        return Problem(loc, "invalid-value", f"'{name}' is too long")
    if kind == "string_pattern_mismatch":
        return Problem(
            loc, "invalid-value", f"{describe(value)} does not have the expected form for '{name}'"
        )
    if "-" in kind:  # our own PydanticCustomError codes are kebab-case
        if "field" in ctx:
            loc = (*loc, ctx["field"])
        return Problem(loc, kind, error["msg"])
    return Problem(loc, "invalid-value", f"'{name}' is not valid: {error['msg']}")


def _allowed_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    # 'body' and 'intro' are the Markdown below the front matter, never written as fields.
    return sorted(set(current.model_fields) - {"body", "intro"}) if current else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found:
            return found
    return None
