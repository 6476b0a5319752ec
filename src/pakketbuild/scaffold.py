"""``pakketbuild new``: write a new item or pakket file with every field and a Dutch hint.

The file is generated from the content model: every field of :class:`~pakketbuild.model.Item`
or :class:`~pakketbuild.model.Pakket` appears, preceded by its Dutch description as a
comment, so a new field in the model shows up here without extra work. A new item or
pakket gets ``status: concept``: it validates at once but is not published until an
editor sets ``status: gepubliceerd``. The generated text is validated against the model
before anything is written.

A pakket needs at least one item, so ``new pakket`` requires ``--items a,b`` naming
existing items (an empty placeholder list would not validate).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from pakketbuild.diagnostics import PakketbuildError, UsageError
from pakketbuild.i18n import _
from pakketbuild.loader import ITEMS_DIR, ORGANISATIONS_FILE, PAKKETTEN_DIR, SITE_FILE
from pakketbuild.messages import field_name, translate
from pakketbuild.model import Audience, Item, Kind, Pakket, Slug
from pakketbuild.placeholders import ITEM_BODY, PAKKET_INTRO, SUMMARY
from pakketbuild.suggest import did_you_mean
from pakketbuild.yamlsafe import YamlProblem, load_yaml

_EXTRA_HINTS: dict[str, str] = {
    "audiences": "Kies uit: " + ", ".join(a.value for a in Audience) + ".",
    "contacts": "Voorbeeld:\n  - label: Ondersteuningsteam\n    phone: 070-1234567\n"
    "    email: team@voorbeeld.nl",
    "documents": "Voorbeeld:\n  - title: Factsheet\n    url: https://www.voorbeeld.nl/factsheet.pdf",
    "steps": "Voorbeeld:\n  - title: Maak een melding\n    text: Meld het voorval bij de griffier.",
    "changes": "Voorbeeld:\n  - date: 2026-01-15\n    summary: Telefoonnummer aangepast.",
    "editions": "Voorbeeld:\n  - date: 2026-01-15\n    summary: Eerste editie.",
    "published": "Vul in op de dag dat het onderdeel voor het eerst verschijnt (JJJJ-MM-DD).",
    "last_reviewed": "Vul in zodra u de tekst gecontroleerd heeft.",
    "review_by": "Vul in: wanneer moet de tekst weer gecontroleerd worden?",
    "owner": "Bijvoorbeeld: Team Weerbaar Bestuur.",
}


def _check_id(value: str, what: str) -> str:
    try:
        return TypeAdapter(Slug).validate_python(value)
    except ValidationError as exc:
        raise UsageError(
            _("the new id cannot be used: {reason}").format(
                reason=exc.errors(include_url=False)[0]["msg"]
            )
        ) from None


def id_from_title(value: str) -> str | None:
    """What an editor who types a title where the id goes means: ``'Training Één'`` →
    ``'training-een'`` (accents dropped, anything else between words a hyphen). ``None``
    when the text is already an id or holds nothing to make one from."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")
    return slug if slug and slug != value else None


def id_and_title(value: str, title: str | None) -> tuple[str, str | None]:
    """The id and title for ``pakketbuild new``: a valid id is kept as it is; a title
    typed in its place (``"Nieuw onderdeel"``) gives the id and, unless ``--title`` says
    otherwise, the title too. Anything else is refused by :func:`_check_id` later."""
    try:
        TypeAdapter(Slug).validate_python(value)
        return value, title
    except ValidationError:
        if not re.search(r"\s|[^a-z0-9-]", value.strip()) or value.strip() == "":
            return value, title  # a mistyped id ("woning--scan"): refused with the reason
        derived = id_from_title(value)
        if derived is None:
            return value, title
        return derived, title if title is not None else value.strip()


def _check_kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        choices = [k.value for k in Kind]
        raise UsageError(
            _("--kind '{value}' is not a kind{hint}; choose from {choices}").format(
                value=value, hint=_did_you_mean(value, choices), choices=", ".join(choices)
            )
        ) from None


def _title_from_id(value: str) -> str:
    text = value.replace("-", " ")
    return text[:1].upper() + text[1:]


def _scalar(value: str) -> str:
    """``value`` as YAML: plain when that reads back unchanged, else double-quoted."""
    try:
        plain_ok = yaml.safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        plain_ok = False
    return value if plain_ok and "#" not in value else json.dumps(value, ensure_ascii=False)


def _flow_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _comment(text: str) -> list[str]:
    return [f"# {line}".rstrip() for line in text.splitlines()]


def _render(
    model: type[BaseModel],
    schema: str,
    noun: str,
    values: dict[str, str],
    body_field: str,
    body: str,
) -> str:
    """Front matter with every field of ``model`` (in model order), then the body."""
    lines = ["---", f"# yaml-language-server: $schema=../../schema/{schema}.json"]
    lines += _comment(
        f"Nieuw {noun}. Elke regel met een hekje (#) is uitleg; die mag u laten staan.\n"
        "Controleer het bestand met: pakketbuild check"
    )
    for name, info in model.model_fields.items():
        if name == body_field:
            continue
        lines.append("")
        lines += _comment(info.description or name)
        if name == "status":
            lines += _comment(
                f"Een nieuw {noun} staat eerst op concept en wordt dan nog niet gepubliceerd.\n"
                "Zet de status op gepubliceerd als de tekst klaar en gecontroleerd is."
            )
        if name in _EXTRA_HINTS:
            lines += _comment(_EXTRA_HINTS[name])
        value = values[name] if name in values else _empty(name, info)
        lines.append(f"{name}:{value}" if value.startswith("\n") else f"{name}: {value}".rstrip())
    lines += ["---", body, ""]
    return "\n".join(lines)


def _empty(name: str, info: FieldInfo) -> str:
    """The value a new file shows for an optional field it sets no value for: empty, or
    ``[]`` for a list, so a new optional model field needs no entry here. A required field
    has no such value: the caller must give one."""
    if info.default_factory is list:
        return "[]"
    if info.default is None:
        return ""
    raise KeyError(f"scaffold: give the new required field '{name}' a value")


def _validate(model: type[BaseModel], text: str, body_field: str) -> None:
    """Make sure the generated file is valid; a bad ``--title`` is reported as usage error."""
    _head, front, body = text.split("---\n", 2)
    data: dict[str, Any] = yaml.safe_load(front) or {}
    data[body_field] = body.strip("\n")
    try:
        model.model_validate(data)
    except ValidationError as exc:
        problems = translate(exc, model)
        detail = "; ".join(f"{field_name(p.loc)}: {p.message}" for p in problems)
        raise UsageError(_("cannot make the file: {detail}").format(detail=detail)) from None


def _target(content: Path, folder: str, new_id: str, what: str) -> Path:
    if not content.is_dir():
        raise UsageError(
            _(
                "the content folder '{folder}' does not exist; run the command in the folder "
                "that holds 'content/', or name the folder with --content"
            ).format(folder=content)
        )
    target = content / folder / f"{new_id}.md"
    if target.exists() or target.is_symlink():
        raise PakketbuildError(
            _("{path} already exists; choose another id or edit that file").format(path=target)
        )
    return target


def _write(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8", newline="\n") as handle:  # never overwrite
        handle.write(text)
    return target


def item_text(item_id: str, *, kind: str = Kind.OTHER.value, title: str | None = None) -> str:
    """The text of a new item file (validated)."""
    item_id = _check_id(item_id, "item")
    values = {
        "id": item_id,
        "title": _scalar(title or _title_from_id(item_id)),
        "kind": _check_kind(kind).value,
        "summary": _scalar(SUMMARY),
        "audiences": _flow_list([Audience.BURGEMEESTER.value]),
        "providers": "[]",
        "contacts": "[]",
        "documents": "[]",
        "steps": "[]",
        "related": "[]",
        "status": "concept",
        "published": "",
        "last_reviewed": "",
        "review_by": "",
        "owner": "",
        "changes": "[]",
        "replaced_by": "",
    }
    text = _render(Item, "item", "onderdeel", values, "body", ITEM_BODY)
    _validate(Item, text, "body")
    return text


def new_item(
    content: Path, item_id: str, *, kind: str = Kind.OTHER.value, title: str | None = None
) -> Path:
    """Write ``content/items/<id>.md``; refuse an invalid or existing id."""
    text = item_text(item_id, kind=kind, title=title)
    return _write(_target(content, ITEMS_DIR, item_id, "item"), text)


def pakket_text(
    pakket_id: str, *, items: Sequence[str], publisher: str, title: str | None = None
) -> str:
    """The text of a new pakket file (validated)."""
    pakket_id = _check_id(pakket_id, "pakket")
    values = {
        "id": pakket_id,
        "title": _scalar(title or _title_from_id(pakket_id)),
        "items": "".join(f"\n  - {ref}" for ref in items),
        "audiences": _flow_list([Audience.BURGEMEESTER.value]),
        "publisher": publisher,
        "edition": "",
        "editions": "[]",
        "status": "concept",
    }
    text = _render(Pakket, "pakket", "pakket", values, "intro", PAKKET_INTRO)
    _validate(Pakket, text, "intro")
    return text


def new_pakket(
    content: Path,
    pakket_id: str,
    *,
    items: Sequence[str],
    publisher: str | None = None,
    title: str | None = None,
) -> Path:
    """Write ``content/pakketten/<id>.md`` listing existing ``items``."""
    pakket_id = _check_id(pakket_id, "pakket")
    target = _target(content, PAKKETTEN_DIR, pakket_id, "pakket")
    if not items:
        raise UsageError(_("a pakket needs at least one item: pass --items ID[,ID…]"))
    known = sorted(p.stem for p in (content / ITEMS_DIR).glob("*.md"))
    for ref in items:
        _check_id(ref, "item")
        if ref not in known:
            raise UsageError(
                _("--items: there is no item '{id}'").format(id=ref) + _did_you_mean(ref, known)
            )
    if len(set(items)) != len(items):
        raise UsageError(_("--items: an item is listed twice"))
    organisations = _organisation_ids(content)
    publisher = publisher or _site_publisher(content)
    if publisher is None:
        raise UsageError(_("site.yaml names no publisher; pass --publisher ORGANISATION-ID"))
    _check_id(publisher, "publisher")
    if organisations is not None and publisher not in organisations:
        raise UsageError(
            _("--publisher: there is no organisation '{id}' in {file}").format(
                id=publisher, file=ORGANISATIONS_FILE
            )
            + _did_you_mean(publisher, organisations)
        )
    text = pakket_text(pakket_id, items=items, publisher=publisher, title=title)
    return _write(target, text)


def _did_you_mean(value: str, known: Sequence[str]) -> str:
    """The "did you mean …?" hint (:func:`pakketbuild.suggest.did_you_mean`) in
    parentheses after a name, or ``""``."""
    hint = did_you_mean(value, known)
    return f" ({hint})" if hint else ""


def _read_yaml(path: Path) -> Any:
    """The data in an editor's YAML file (read safely), or None when it cannot be read."""
    try:
        return load_yaml(path.read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError, YamlProblem):
        return None


def _site_publisher(content: Path) -> str | None:
    data = _read_yaml(content / SITE_FILE)
    value = data.get("publisher") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _organisation_ids(content: Path) -> list[str] | None:
    """Organisation ids in organisaties.yaml, or None when it cannot be read (check reports it)."""
    data = _read_yaml(content / ORGANISATIONS_FILE)
    if not isinstance(data, dict) or not isinstance(data.get("organisations"), list):
        return None
    return sorted(
        str(org["id"]) for org in data["organisations"] if isinstance(org, dict) and "id" in org
    )
