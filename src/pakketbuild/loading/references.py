"""Loading, phase 3: ids that are unique, and references between files
(organisations, related items, the items of pakketten, documents).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pakketbuild.i18n import N_, _
from pakketbuild.loading.files import check_document, check_docx_template
from pakketbuild.loading.reading import Reader, Source, fold, is_slug
from pakketbuild.messages import field_name
from pakketbuild.model import (
    Item,
    Organisation,
    Pakket,
    SiteConfig,
    Status,
)
from pakketbuild.suggest import did_you_mean

KIND_WORDS = {
    "item": N_("item"),
    "pakket": N_("pakket"),
    "organisation": N_("organisation"),
    "theme": N_("theme"),
}
"""What a reference points at, as a word in messages."""


def check_unique(
    reader: Reader, root: Path, sources: dict[str, Source], models: dict[str, Any], kind: str
) -> None:
    seen: dict[str, str] = {}
    for key in sorted(models):
        folded = fold(key)
        if folded in seen:
            source = sources[f"{kind}:{key}"]
            reader.err(
                source.path,
                source.at(("id",)),
                "duplicate-id",
                _("the {kind} id '{id}' is also used by '{other}'; ids must be unique").format(
                    kind=_(KIND_WORDS[kind]), id=key, other=seen[folded]
                ),
                "id",
            )
        seen[folded] = key


def ref_error(
    reader: Reader,
    source: Source,
    loc: tuple[str | int, ...],
    value: str,
    what: str,
    known: Iterable[str],
) -> None:
    if "organisations" in reader.broken and what == "organisation":
        return
    if f"{what}:{value}" in reader.broken:
        return
    # Files that exist but have other errors are candidates for "did you mean" too.
    failed = [b.split(":", 1)[1] for b in reader.broken if b.startswith(f"{what}:")]
    hint = did_you_mean(value, sorted({*known, *failed})) or _(
        "add the {kind} or fix the id"
    ).format(kind=_(KIND_WORDS[what]))
    reader.err(
        source.path,
        source.at(loc),
        "unknown-reference",
        _("there is no {kind} with id '{id}'; {hint}").format(
            kind=_(KIND_WORDS[what]), id=value, hint=hint
        ),
        field_name(loc),
    )


def cross_check(
    reader: Reader,
    site: SiteConfig | None,
    organisations: dict[str, Organisation],
    items: dict[str, Item],
    pakketten: dict[str, Pakket],
    sources: dict[str, Source],
) -> None:
    """Every reference between the files: the site's, each item's, those of the files
    that failed validation, each pakket's."""
    if site is not None:
        _check_site(reader, site, organisations, sources["site"])
    for item in items.values():
        _check_item(reader, item, organisations, items, sources[f"item:{item.id}"])
    for kind, source, data in reader.invalid:
        check_raw_references(reader, kind, source, data, organisations, items)
    view_ids = {view.id for view in site.views} if site is not None else set()
    for pakket in pakketten.values():
        source = sources[f"pakket:{pakket.id}"]
        _check_pakket(reader, pakket, organisations, items, view_ids, source)


def _check_site(
    reader: Reader, site: SiteConfig, organisations: dict[str, Organisation], source: Source
) -> None:
    if site.publisher and site.publisher not in organisations:
        ref_error(reader, source, ("publisher",), site.publisher, "organisation", organisations)
    # Like a document: check reports a template that is missing, leads out or is no Word
    # file, not only the build (which refuses it again before reading it).
    if site.docx_template is not None and check_document(
        reader, source, ("docx_template",), site.docx_template
    ):
        check_docx_template(reader, source, site.docx_template)


def _check_item(
    reader: Reader,
    item: Item,
    organisations: dict[str, Organisation],
    items: dict[str, Item],
    source: Source,
) -> None:
    for index, org in enumerate(item.providers):
        if org not in organisations:
            ref_error(reader, source, ("providers", index), org, "organisation", organisations)
    for index, ref in enumerate(item.related):
        if ref not in items:
            ref_error(reader, source, ("related", index), ref, "item", items)
        elif ref == item.id:
            reader.err(
                source.path,
                source.at(("related", index)),
                "invalid-value",
                _("an item cannot be related to itself; remove this entry"),
                f"related[{index}]",
            )
    if item.replaced_by is not None and item.replaced_by not in items:
        ref_error(reader, source, ("replaced_by",), item.replaced_by, "item", items)
    for index, document in enumerate(item.documents):
        if document.path is not None:
            check_document(reader, source, ("documents", index, "path"), document.path)


def _check_pakket(
    reader: Reader,
    pakket: Pakket,
    organisations: dict[str, Organisation],
    items: dict[str, Item],
    view_ids: set[str],
    source: Source,
) -> None:
    if pakket.id in view_ids:
        # views/<id>/downloads/<id>.pdf is the view's combined document
        reader.err(
            source.path,
            source.at(("id",)),
            "duplicate-id",
            _(
                "'{id}' is also the id of a view in site.yaml; the view's own "
                "document would have the same file name as this pakket's. Rename the "
                "pakket (file name and id) or the view"
            ).format(id=pakket.id),
            "id",
        )
    if pakket.publisher not in organisations:
        ref_error(reader, source, ("publisher",), pakket.publisher, "organisation", organisations)
    seen: set[str] = set()
    for index, ref in enumerate(pakket.items):
        if ref in seen:
            reader.err(
                source.path,
                source.at(("items", index)),
                "duplicate-id",
                _("the item '{id}' is listed twice in this pakket; keep one").format(id=ref),
                f"items[{index}]",
            )
        seen.add(ref)
        target = items.get(ref)
        if target is None:
            ref_error(reader, source, ("items", index), ref, "item", items)
        elif pakket.status is Status.GEPUBLICEERD and target.status is not Status.GEPUBLICEERD:
            reader.err(
                source.path,
                source.at(("items", index)),
                "unpublished-item",
                _(
                    "the item '{id}' has status '{status}', so it cannot be in a "
                    "published pakket; set its status to 'gepubliceerd' or remove it here"
                ).format(id=ref, status=target.status),
                f"items[{index}]",
            )


_REFERENCE_FIELDS = {
    "item": (("providers", "organisation"), ("related", "item"), ("replaced_by", "item")),
    "pakket": (("publisher", "organisation"), ("items", "item")),
}
"""The fields of a file that name other files, and what they name."""


def check_raw_references(
    reader: Reader,
    kind: str,
    source: Source,
    data: dict[str, Any],
    organisations: dict[str, Organisation],
    items: dict[str, Item],
) -> None:
    """References in a file that failed validation for other reasons. Only values that are
    well-formed ids are looked up: a value that is itself wrong was reported already."""
    for name, target in _REFERENCE_FIELDS[kind]:
        value = data.get(name)
        entries: list[tuple[tuple[str | int, ...], Any]]
        if isinstance(value, list):
            entries = [((name, index), entry) for index, entry in enumerate(value)]
        else:
            entries = [((name,), value)]
        known: dict[str, Any] = organisations if target == "organisation" else items
        for loc, entry in entries:
            if isinstance(entry, str) and is_slug(entry) and entry not in known:
                ref_error(reader, source, loc, entry, target, known)
