"""Loading, phase 3: references between files (organisations, related items, the
items of pakketten, documents) and unique ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pakketbuild.loading.files import check_document, check_docx_template
from pakketbuild.loading.reading import Reader, Source, fold
from pakketbuild.messages import field_name
from pakketbuild.model import (
    Item,
    Organisation,
    Pakket,
    SiteConfig,
    Status,
)
from pakketbuild.suggest import did_you_mean


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
                f"the {kind} id '{key}' is also used by '{seen[folded]}'; ids must be unique",
                "id",
            )
        seen[folded] = key


def _ref_error(
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
    hint = did_you_mean(value, known) or f"add the {what} or fix the id"
    reader.err(
        source.path,
        source.at(loc),
        "unknown-reference",
        f"there is no {what} with id '{value}'; {hint}",
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
    if site is not None and site.publisher and site.publisher not in organisations:
        _ref_error(
            reader, sources["site"], ("publisher",), site.publisher, "organisation", organisations
        )
    # Like a document: check reports a template that is missing, leads out or is no Word
    # file, not only the build (which refuses it again before reading it).
    if (
        site is not None
        and site.docx_template is not None
        and check_document(reader, sources["site"], ("docx_template",), site.docx_template)
    ):
        check_docx_template(reader, sources["site"], site.docx_template)
    for item in items.values():
        source = sources[f"item:{item.id}"]
        for index, org in enumerate(item.providers):
            if org not in organisations:
                _ref_error(reader, source, ("providers", index), org, "organisation", organisations)
        for index, ref in enumerate(item.related):
            if ref not in items:
                _ref_error(reader, source, ("related", index), ref, "item", items)
            elif ref == item.id:
                reader.err(
                    source.path,
                    source.at(("related", index)),
                    "invalid-value",
                    "an item cannot be related to itself; remove this entry",
                    f"related[{index}]",
                )
        if item.replaced_by is not None and item.replaced_by not in items:
            _ref_error(reader, source, ("replaced_by",), item.replaced_by, "item", items)
        for index, document in enumerate(item.documents):
            if document.path is not None:
                check_document(reader, source, ("documents", index, "path"), document.path)
    for pakket in pakketten.values():
        source = sources[f"pakket:{pakket.id}"]
        if pakket.publisher not in organisations:
            _ref_error(
                reader, source, ("publisher",), pakket.publisher, "organisation", organisations
            )
        seen: set[str] = set()
        for index, ref in enumerate(pakket.items):
            if ref in seen:
                reader.err(
                    source.path,
                    source.at(("items", index)),
                    "duplicate-id",
                    f"the item '{ref}' is listed twice in this pakket; keep one",
                    f"items[{index}]",
                )
            seen.add(ref)
            target = items.get(ref)
            if target is None:
                _ref_error(reader, source, ("items", index), ref, "item", items)
            elif pakket.status is Status.GEPUBLICEERD and target.status is not Status.GEPUBLICEERD:
                reader.err(
                    source.path,
                    source.at(("items", index)),
                    "unpublished-item",
                    f"the item '{ref}' has status '{target.status}', so it cannot be in a "
                    "published pakket; set its status to 'gepubliceerd' or remove it here",
                    f"items[{index}]",
                )
