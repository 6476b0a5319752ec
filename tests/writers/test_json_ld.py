"""JSON-LD that search engines accept: every page's blocks parse, every node uses only
properties schema.org defines for its type (the list below, taken from schema.org: no
vocabulary file is available from the package registries), and the rules of issue 13
hold (no HowTo without steps, e-mail as a ContactPoint's ``email``, the pakket page an
ordered ItemList)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.views.trees import write_views_tree
from tests.writers.html_tools import SMALL, build_tree, html_pages, parse_page

THING = {"name", "description", "identifier", "url", "subjectOf"}
CREATIVE_WORK = THING | {"audience", "inLanguage", "provider", "dateModified", "datePublished"}
PROPERTIES: dict[str, set[str]] = {
    "GovernmentService": THING | {"audience", "serviceType", "provider", "availableChannel"},
    "Course": CREATIVE_WORK,
    "HowTo": CREATIVE_WORK | {"step"},
    "HowToStep": THING | {"position", "text"},
    "Audience": THING | {"audienceType"},
    "Organization": THING | {"contactPoint"},
    "ContactPoint": THING | {"contactType", "telephone", "email"},
    "ServiceChannel": THING | {"servicePhone", "serviceUrl"},
    "DigitalDocument": CREATIVE_WORK | {"encodingFormat"},
    "ItemList": THING | {"itemListElement", "itemListOrder", "numberOfItems"},
    "ListItem": THING | {"item", "position"},
}
"""schema.org properties per type (a type's own and those it inherits from Thing,
CreativeWork or Service), limited to the ones pakketbuild may use."""
EXPECTED_TYPES = {
    "availableChannel": "ServiceChannel", "servicePhone": "ContactPoint",
    "contactPoint": "ContactPoint", "provider": "Organization", "step": "HowToStep",
    "audience": "Audience", "itemListElement": "ListItem", "subjectOf": "DigitalDocument",
}  # fmt: skip


def nodes(value: Any, parent: str | None = None) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(property that holds it, node) for every object in a JSON-LD value."""
    if isinstance(value, list):
        for entry in value:
            yield from nodes(entry, parent)
    elif isinstance(value, dict):
        yield parent, value
        for key, entry in value.items():
            yield from nodes(entry, key)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory, real_site: Path) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("json-ld")
    views = write_views_tree(root / "views-content")
    return {
        "small": build_tree(SMALL, root / "small" / "exports"),
        "views": build_tree(views, root / "views" / "exports"),
        "real": real_site,
    }


@pytest.mark.parametrize("tree", ["small", "views", "real"])
def test_every_node_uses_only_schema_org_properties(tree: str, trees: dict[str, Path]) -> None:
    seen: set[str] = set()
    for path in html_pages(trees[tree]):
        for block in parse_page(path.read_text("utf-8")).json_ld:
            for parent, node in nodes(block):
                kind = node.get("@type")
                assert isinstance(kind, str), (path, parent, node)
                seen.add(kind)
                extra = set(node) - PROPERTIES[kind] - {"@type", "@context"}
                assert not extra, f"{path}: {kind} has {extra}"
                if parent in EXPECTED_TYPES:
                    assert kind == EXPECTED_TYPES[parent], (path, parent, kind)
                if kind == "HowTo":
                    assert node["step"], f"{path}: a HowTo without steps"
                if kind == "ContactPoint":
                    assert "telephone" in node or "email" in node, path
                    assert "@" not in node.get("telephone", ""), path
                if kind == "ItemList":
                    positions = [e["position"] for e in node["itemListElement"]]
                    assert positions == list(range(1, node["numberOfItems"] + 1)), path
                    assert node["itemListOrder"] == "https://schema.org/ItemListOrderAscending"
    assert {"ItemList", "ListItem", "Audience"} <= seen


def test_real_pages(real_site: Path) -> None:
    """The real step plan lists no steps (the source names nine but does not list them):
    a GovernmentService, no empty HowTo."""
    page = parse_page(
        (real_site / "items/stappenplan-melding-en-aangifte/index.html").read_text("utf-8")
    )
    (data,) = page.json_ld
    assert data["@type"] == "GovernmentService" and data["serviceType"] == "Stappenplan"
    pakket = parse_page(
        (real_site / "veiligheidspakket-startende-burgemeesters/index.html").read_text("utf-8")
    )
    (items,) = pakket.json_ld
    assert (
        items["@type"] == "ItemList"
        and items["name"] == "Veiligheidspakket startende burgemeesters"
    )
    assert "url" not in items  # no base URL: no address invented


def test_email_contacts_are_contact_points(tmp_path: Path) -> None:
    """With one provider, e-mail addresses are ContactPoints of that organisation."""
    content = write_views_tree(tmp_path / "content")
    hulp = content / "items/hulp.md"
    hulp.write_text(
        hulp.read_text("utf-8").replace(
            "providers: [nwb]\n",
            "providers: [nwb]\ncontacts:\n  - label: Secretariaat\n"
            "    email: secretariaat@voorbeeld.nl\n",
        ),
        "utf-8",
    )
    out = build_tree(content, tmp_path / "exports", "html")
    (data,) = parse_page((out / "items/hulp/index.html").read_text("utf-8")).json_ld
    assert data["provider"][0]["contactPoint"] == [
        {
            "@type": "ContactPoint",
            "contactType": "Secretariaat",
            "email": "secretariaat@voorbeeld.nl",
        }
    ]
    assert "availableChannel" not in data  # no phone, no web address: no channel
