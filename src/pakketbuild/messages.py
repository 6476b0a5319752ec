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

from pakketbuild.i18n import N_, _
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
        return _("nothing (an empty value)")
    if isinstance(value, bool):
        return _("yes/no ({value})").format(value=str(value).lower())
    if isinstance(value, int | float):
        return _("a number ({value})").format(value=value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return _("the text '{text}'").format(text=shown)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a block of fields")
    return _("a value")


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
    "string_type": N_("text"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "float_type": N_("a number"),
    "bool_type": N_("yes or no (true/false)"),
    "list_type": N_("a list (lines starting with '- ', or [a, b])"),
    "dict_type": N_("a block of fields"),
    "model_type": N_("a block of fields"),
    "model_attributes_type": N_("a block of fields"),
}


def translate(exc: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Every error in ``exc`` as a :class:`Problem`."""
    return [_one(error, model) for error in exc.errors(include_url=False)]


def or_list(values: list[str]) -> str:
    """``a, b or c`` in the current language."""
    if len(values) < 2:
        return "".join(values)
    return _("{first} or {last}").format(first=", ".join(values[:-1]), last=values[-1])


def hint_before(value: str, choices: list[str]) -> str:
    """The "did you mean …?" hint (:func:`pakketbuild.suggest.did_you_mean`) followed by a
    space, for a message that goes on after it; ``""`` when no choice is close."""
    hint = did_you_mean(value, choices)
    return f"{hint} " if hint else ""


def _one(error: ErrorDetails, model: type[BaseModel]) -> Problem:
    kind = error["type"]
    loc: Loc = tuple(error["loc"])
    value = error.get("input")
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    name = field_name(loc) or _("this file")

    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        hint = hint_before(str(loc[-1]), allowed)
        return Problem(
            loc,
            "unknown-field",
            _("'{name}' is not a known field; {hint}allowed here: {allowed}").format(
                name=loc[-1], hint=hint, allowed=", ".join(allowed)
            ),
            at_key=True,
        )
    if kind == "missing":
        field = str(loc[-1])
        choices = _choices(model, loc)
        message = _("the required field '{field}' is missing; add a line '{field}: …'").format(
            field=field
        )
        if choices:
            message += _(", with one of: {choices}").format(choices=or_list(choices))
        return Problem(loc, "missing-field", message, at_key=True)
    if kind in _EXPECTED:
        quote = _(" (put text in quotes if it looks like a number, date or yes/no)")
        return Problem(
            loc,
            "wrong-type",
            _("expected {expected}, found {found}").format(
                expected=_(_EXPECTED[kind]), found=describe(value)
            )
            + (quote if kind == "string_type" else ""),
        )
    if kind in ("enum", "literal_error"):
        choices = _choices(model, loc)
        hint = hint_before(str(value), choices) if isinstance(value, str) and choices else ""
        return Problem(
            loc,
            "invalid-value",
            _("{found} is not allowed here; {hint}choose one of {choices}").format(
                found=describe(value),
                hint=hint,
                choices=or_list([f"'{c}'" for c in choices])
                if choices
                else ctx.get("expected", ""),
            ),
        )
    if kind.startswith(("date_", "datetime_")):
        return Problem(
            loc,
            "invalid-date",
            _(
                "{found} is not a valid date; write an existing date as YYYY-MM-DD, "
                "for example 2026-11-29"
            ).format(found=describe(value)),
        )
    if kind == "too_short":
        return Problem(
            loc, "missing-value", _("'{name}' needs at least one entry").format(name=name)
        )
    if kind == "string_too_short":
        return Problem(loc, "missing-value", _("'{name}' must not be empty").format(name=name))
    if kind == "string_too_long":
        return Problem(loc, "invalid-value", _("'{name}' is too long").format(name=name))
    if kind == "string_pattern_mismatch":
        return Problem(
            loc,
            "invalid-value",
            _("{found} does not have the expected form for '{name}'").format(
                found=describe(value), name=name
            ),
        )
    if "-" in kind:  # our own PydanticCustomError codes are kebab-case
        if "field" in ctx:
            loc = (*loc, ctx["field"])
        return Problem(loc, kind, error["msg"])
    return Problem(
        loc,
        "invalid-value",
        _("{found} is not valid for '{name}'; see the explanation of this field").format(
            found=describe(value), name=name
        ),
    )


def _choices(model: type[BaseModel], loc: Loc) -> list[str]:
    """The allowed values of the enum or literal field at ``loc`` (empty for other fields)."""
    current: type[BaseModel] | None = model
    annotation: Any = None
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None:
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        annotation = info.annotation
        current = _inner_model(annotation)
    return _enum_values(annotation)


def _enum_values(annotation: Any) -> list[str]:
    import enum
    import typing

    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(member.value) for member in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(arg) for arg in typing.get_args(annotation)]
    for arg in typing.get_args(annotation):
        found = _enum_values(arg)
        if found:
            return found
    return []


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
