"""The JSON writer: JSON Feed 1.1 feeds, the API documents and their JSON Schemas.

The JSON Feed 1.1 schema and a feed-reader library are run over every feed in
test_real_clients_html; here the documents are checked for what they must say.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from pakketbuild import markdown
from pakketbuild.writers import BuildContext
from pakketbuild.writers.api_schema import json_schema
from pakketbuild.writers.jsonfeed import JsonWriter
from tests.writers.html_tools import SMALL, build_tree, json_documents, publication

BASE = "https://voorbeeld.nl/pakket/"
TITLE = "Voorbeeldnetwerk \u2013 Testpakketten"  # with an en dash
SITE_ID = "voorbeeldnetwerk"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(SMALL, tmp_path_factory.mktemp("small-json") / "exports")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _urn(item_id: str) -> str:
    return f"urn:pakketbuild:{SITE_ID}:item:{item_id}"


# --------------------------------------------------------------------------- feeds


def test_feed_top_level(small_site: Path) -> None:
    feed = _load(small_site / "feeds/feed.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == TITLE
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == BASE + "feeds/feed.json"
    assert feed["language"] == "nl"
    assert feed["authors"] == [
        {"name": "Voorbeeldnetwerk Weerbaar Bestuur", "url": "https://voorbeeld.nl/"}
    ]


def test_feed_items(small_site: Path) -> None:
    feed = _load(small_site / "feeds/feed.json")
    items = {item["id"]: item for item in feed["items"]}
    assert set(items) == {
        _urn("hulplijn"),
        _urn("stappenplan-melden"),
        _urn("training-weerbaarheid"),
    }
    # Newest change first; items without a date last.
    assert [i["id"] for i in feed["items"]] == [
        _urn("hulplijn"),
        _urn("stappenplan-melden"),
        _urn("training-weerbaarheid"),
    ]
    hulplijn = items[_urn("hulplijn")]
    assert hulplijn["url"] == BASE + "items/hulplijn/index.html"
    assert hulplijn["title"] == "Hulplijn Weerbaar Bestuur"
    assert hulplijn["summary"].startswith("Voelt u zich bedreigd")
    assert hulplijn["date_published"] == "2026-10-01T00:00:00Z"
    assert hulplijn["date_modified"] == "2026-11-15T00:00:00Z"
    assert hulplijn["tags"] == ["burgemeester", "wethouder", "gezin", "support-line"]
    assert hulplijn["attachments"] == [
        {
            "url": "https://voorbeeld.nl/documenten/factsheet-hulplijn.pdf",
            "mime_type": "application/pdf",
            "title": "Factsheet hulplijn",
        }
    ]
    pub = publication(SMALL)
    body = markdown.render_html(pub.items["hulplijn"].item.body, id_prefix="hulplijn--")
    assert hulplijn["content_html"].endswith(body)
    assert hulplijn["content_html"].startswith("<p>Voelt u zich bedreigd")
    assert hulplijn["content_text"] == pub.items["hulplijn"].full_text
    ext = hulplijn["_pakketbuild"]
    assert ext["id"] == "hulplijn"
    assert ext["contacts"][0]["phone_e164"] == "+31701234567"
    assert ext["pakketten"] == ["startpakket"]
    assert ext["about"] == BASE + "api/v1/schema/feed-extension.json"
    training = items[_urn("training-weerbaarheid")]
    assert "date_published" not in training and "date_modified" not in training
    assert "attachments" not in training


def test_feed_dates_come_from_content_not_the_clock(small_site: Path) -> None:
    text = (small_site / "feeds/feed.json").read_text(encoding="utf-8")
    dates = set(re.findall(r'"date_(?:published|modified)": "([^"]+)"', text))
    assert dates == {"2026-10-01T00:00:00Z", "2026-11-15T00:00:00Z", "2026-09-01T00:00:00Z"}


def test_audience_feeds(small_site: Path) -> None:
    pub = publication(SMALL)
    files = {p.name for p in (small_site / "feeds").glob("*.json")}
    assert files == {"feed.json"} | {f"{a.value}.json" for a in pub.audiences}
    for audience in pub.audiences:
        feed = _load(small_site / f"feeds/{audience.value}.json")
        assert feed["feed_url"] == f"{BASE}feeds/{audience.value}.json"
        assert [i["id"] for i in feed["items"]] == [
            i["id"]
            for i in _load(small_site / "feeds/feed.json")["items"]
            if audience.value in i["tags"]
        ]
    gezin = _load(small_site / "feeds/gezin.json")
    assert gezin["title"] == f"{TITLE} (voor partners en gezinnen)"
    assert [i["id"] for i in gezin["items"]] == [_urn("hulplijn")]


def test_feed_id_survives_a_new_title(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SMALL, content)
    item = content / "items" / "hulplijn.md"
    item.write_text(
        item.read_text(encoding="utf-8").replace(
            "title: Hulplijn Weerbaar Bestuur", "title: Nieuwe naam"
        ),
        encoding="utf-8",
    )
    out = build_tree(content, tmp_path / "out" / "exports")
    entry = next(i for i in _load(out / "feeds/feed.json")["items"] if i["title"] == "Nieuwe naam")
    assert entry["id"] == _urn("hulplijn")


def test_feeds_without_base_url(real_site: Path) -> None:
    """The real content has no base URL: no absolute URLs anywhere, ids stay."""
    for path in (real_site / "feeds").glob("*.json"):
        feed = _load(path)
        assert "home_page_url" not in feed and "feed_url" not in feed, path
        for item in feed["items"]:
            assert "url" not in item
            assert item["id"].startswith("urn:pakketbuild:netwerk-weerbaar-bestuur:item:")
            assert "about" not in item["_pakketbuild"]
    for path in [*(real_site / "api/v1/items").glob("*.json"), real_site / "api/v1/index.json"]:
        text = path.read_text(encoding="utf-8")
        assert '"url"' not in text, path  # the real content has no https addresses either


# --------------------------------------------------------------------------- API


def test_api_index(small_site: Path) -> None:
    index = _load(small_site / "api/v1/index.json")
    assert index["api_version"] == "v1"
    assert index["site"]["base_url"] == BASE
    assert [p["id"] for p in index["pakketten"]] == ["startpakket"]
    assert index["pakketten"][0]["items"] == [
        "hulplijn",
        "stappenplan-melden",
        "training-weerbaarheid",
    ]
    assert [i["id"] for i in index["items"]] == [
        "hulplijn",
        "stappenplan-melden",
        "training-weerbaarheid",
    ]
    assert index["feeds"][0]["link"]["path"] == "feeds/feed.json"
    assert set(index["schemas"]) == {"index", "item", "pakket", "feed-extension", "withdrawn"}
    assert index["feeds"][0]["atom"]["path"] == "feeds/feed.atom"
    assert index["feeds"][0]["atom"]["media_type"] == "application/atom+xml"
    assert index["withdrawn"]["path"] == "api/v1/withdrawn.json"
    assert "views" not in index  # the small tree has no views
    for link in index["schemas"].values():
        assert (small_site / link["path"]).is_file()
        assert link["url"] == BASE + link["path"]


def test_api_item_is_complete(small_site: Path) -> None:
    doc = _load(small_site / "api/v1/items/hulplijn.json")
    assert doc["feed_id"] == _urn("hulplijn")
    assert doc["kind"] == "support-line" and doc["kind_label"] == "Ondersteuningslijn"
    assert [c["label"] for c in doc["contacts"]] == ["Hulplijn", "Secretariaat"]
    assert doc["contacts"][0] == {
        "label": "Hulplijn",
        "phone": "070-1234567",
        "phone_e164": "+31701234567",
        "email": "hulplijn@voorbeeld.nl",
        "url": "https://voorbeeld.nl/hulplijn",
        "hours": "Dag en nacht bereikbaar",
    }
    assert [d["title"] for d in doc["documents"]] == ["Factsheet hulplijn", "Folder voor partners"]
    assert [o["id"] for o in doc["providers"]] == ["voorbeeldnetwerk", "steunpunt"]
    assert doc["related"][0]["id"] == "stappenplan-melden"
    assert doc["pakketten"][0]["links"]["html"]["path"] == "startpakket/index.html"
    assert doc["dates"] == {
        "published": "2026-10-01",
        "modified": "2026-11-15",
        "last_reviewed": "2026-11-01",
    }
    assert doc["links"]["html"] == {
        "path": "items/hulplijn/index.html",
        "url": BASE + "items/hulplijn/index.html",
        "media_type": "text/html",
    }
    assert '<h2 id="hulplijn--wat-de-hulplijn-doet">' in doc["body_html"]
    assert "Wat de hulplijn doet" in doc["body_text"]
    steps = _load(small_site / "api/v1/items/stappenplan-melden.json")["steps"]
    assert [s["position"] for s in steps] == [1, 2, 3]
    assert "text_html" not in steps[2]
    assert steps[1]["text_html"].startswith("<p>Meld het bij")


def test_api_pakket_embeds_items_in_order(small_site: Path) -> None:
    doc = _load(small_site / "api/v1/pakketten/startpakket.json")
    assert [i["id"] for i in doc["items"]] == [
        "hulplijn",
        "stappenplan-melden",
        "training-weerbaarheid",
    ]
    assert doc["items"][0] == _load(small_site / "api/v1/items/hulplijn.json")
    assert doc["edition"] == "2026-11-29"
    assert doc["publisher"]["id"] == "voorbeeldnetwerk"
    assert "<strong>nieuwe bestuurder</strong>" in doc["intro_html"]


def _validator(root: Path, name: str) -> jsonschema.protocols.Validator:
    """The published (open) schema ``name`` of the tree at ``root``."""
    return _checker(_load(root / f"api/v1/schema/{name}.json"))


def _strict(name: str) -> jsonschema.protocols.Validator:
    """The strict twin of schema ``name``: closed objects and enums."""
    return _checker(json_schema(name, strict=True))


class _Both:
    """The published schema and its strict twin: the build's own output passes both."""

    def __init__(self, root: Path, name: str) -> None:
        self.validators = (_validator(root, name), _strict(name))

    def iter_errors(self, doc: Any) -> list[Any]:
        return [e for v in self.validators for e in v.iter_errors(doc)]


def _checker(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)  # type: ignore[no-any-return, unused-ignore]


@pytest.mark.parametrize("tree", ["small", "real"])
def test_every_api_document_matches_its_schema(
    tree: str, small_site: Path, real_site: Path
) -> None:
    root = small_site if tree == "small" else real_site
    checked = 0
    for name, under in (("item", "api/v1/items"), ("pakket", "api/v1/pakketten")):
        validator = _Both(root, name)
        for path in json_documents(root, under):
            errors = [e.message for e in validator.iter_errors(_load(path))]
            assert errors == [], path
            checked += 1
    index = _Both(root, "index")
    assert list(index.iter_errors(_load(root / "api/v1/index.json"))) == []
    withdrawn = _Both(root, "withdrawn")
    assert list(withdrawn.iter_errors(_load(root / "api/v1/withdrawn.json"))) == []
    extension = _Both(root, "feed-extension")
    for path in (root / "feeds").glob("*.json"):
        for item in _load(path)["items"]:
            assert list(extension.iter_errors(item["_pakketbuild"])) == [], path
    pub = publication(SMALL if tree == "small" else Path(__file__).parents[2] / "content")
    assert checked == len(pub.items) + len(pub.pakketten)


def test_schemas_reject_wrong_documents(small_site: Path) -> None:
    validator, strict = _validator(small_site, "item"), _strict("item")
    doc = _load(small_site / "api/v1/items/hulplijn.json")
    assert list(validator.iter_errors(doc)) == []
    for broken in (
        {k: v for k, v in doc.items() if k != "title"},
        {**doc, "contacts": [{"phone": "070-1234567"}]},
        {**doc, "steps": [{"position": 0, "title": "x"}]},
        {**doc, "version": "not a version"},
    ):
        assert list(validator.iter_errors(broken)), broken
        assert list(strict.iter_errors(broken)), broken


def test_published_schemas_are_open_and_their_strict_twins_closed(small_site: Path) -> None:
    """A consumer that validates with the published schema keeps working when v1 gains a
    member or an enum value; the strict twin (the tests' own check) rejects both."""
    doc = _load(small_site / "api/v1/items/hulplijn.json")
    contact = {**doc["contacts"][0], "whatsapp": "+31612345678"}
    audience = {"id": "bestuursadviseur", "label": "bestuursadviseur", "label_plural": "…"}
    for changed in (
        {**doc, "unexpected": 1},  # a new top-level member
        {**doc, "contacts": [contact]},  # a new nested member
        {**doc, "kind": "podcast"},  # a new kind (kind_label says how to show it)
        {**doc, "audiences": [audience]},  # a new audience
    ):
        assert list(_validator(small_site, "item").iter_errors(changed)) == [], changed
        assert list(_strict("item").iter_errors(changed)), changed
    for name in ("index", "item", "pakket", "feed-extension", "withdrawn"):
        published = _load(small_site / f"api/v1/schema/{name}.json")
        assert published["$id"] == f"urn:pakketbuild:api:v1:schema:{name}"
        text = json.dumps(published)
        assert '"additionalProperties": false' not in text and '"enum"' not in text, name
        assert '"additionalProperties": false' in json.dumps(json_schema(name, strict=True))


def test_published_schemas_are_current(small_site: Path) -> None:
    for name in ("index", "item", "pakket", "feed-extension", "withdrawn"):
        assert _load(small_site / f"api/v1/schema/{name}.json") == json_schema(name)


# --------------------------------------------------------------------------- writer API


def test_jobs_and_deps() -> None:
    pub = publication(SMALL)
    jobs = {j.path: j for j in JsonWriter().jobs(pub, BuildContext(formats=("json",)))}
    assert set(jobs) == {
        "api/v1/schema/index.json",
        "api/v1/schema/item.json",
        "api/v1/schema/pakket.json",
        "api/v1/schema/feed-extension.json",
        "api/v1/schema/withdrawn.json",
        "api/v1/index.json",
        "api/v1/openapi.json",
        "api/v1/withdrawn.json",
        "_headers",
        "api/v1/pakketten/startpakket.json",
        "api/v1/items/hulplijn.json",
        "api/v1/items/stappenplan-melden.json",
        "api/v1/items/training-weerbaarheid.json",
        "feeds/feed.json",
        "feeds/burgemeester.json",
        "feeds/wethouder.json",
        "feeds/griffier.json",
        "feeds/gezin.json",
        "feeds/feed.atom",
        "feeds/burgemeester.atom",
        "feeds/wethouder.atom",
        "feeds/griffier.atom",
        "feeds/gezin.atom",
    }
    assert jobs["feeds/feed.atom"].media_type == "application/atom+xml"
    assert jobs["feeds/feed.json"].media_type == "application/feed+json"
    assert jobs["api/v1/items/hulplijn.json"].media_type == "application/json"
    assert jobs["api/v1/schema/item.json"].deps == ()
    assert set(jobs["_headers"].deps) == {"site"} | {f"item:{i}" for i in pub.items}
    assert jobs["api/v1/openapi.json"].deps == ("*",)
    training = jobs["api/v1/items/training-weerbaarheid.json"]
    assert set(training.deps) == {
        "site",
        "organisations",
        "item:training-weerbaarheid",
        "pakket:startpakket",
    }
    # The griffier feed shows only the step plan (and what that item shows).
    assert "item:training-weerbaarheid" not in jobs["feeds/griffier.json"].deps
    assert "item:stappenplan-melden" in jobs["feeds/griffier.json"].deps


def test_render_is_deterministic_and_tidy() -> None:
    ctx = BuildContext(formats=("html", "json"))
    writer = JsonWriter()
    first, second = publication(SMALL), publication(SMALL)
    for job in writer.jobs(first, ctx):
        data = writer.render(first, ctx, job)
        assert data == writer.render(second, ctx, job), job.path
        if job.media_type == "application/atom+xml":
            assert data.endswith(b"</feed>\n")  # checked in tests/views/test_atom.py
            continue
        if job.path == "_headers":  # checked in tests/writers/test_openapi.py
            assert data.endswith(b"\n") and data.isascii()
            continue
        assert data.endswith(b"}\n")
        text = data.decode("utf-8")
        assert "\\u00e9" not in text  # ensure_ascii=False: 'één' stays readable
        assert "null" not in text, job.path  # absent values are left out, never null
        json.loads(text)


def test_download_attachments_when_built() -> None:
    pub = publication(SMALL)
    writer = JsonWriter()
    ctx = BuildContext(formats=("json", "pdf"))
    job = next(j for j in writer.jobs(pub, ctx) if j.path == "feeds/feed.json")
    feed = json.loads(writer.render(pub, ctx, job))
    training = next(i for i in feed["items"] if i["_pakketbuild"]["id"] == "training-weerbaarheid")
    assert training["attachments"] == [
        {
            "url": BASE + "downloads/items/training-weerbaarheid.pdf",
            "mime_type": "application/pdf",
            "title": "Training weerbaarheid voor bestuurders (PDF)",
        }
    ]
    job = next(j for j in writer.jobs(pub, ctx) if j.path == "api/v1/items/hulplijn.json")
    links = json.loads(writer.render(pub, ctx, job))["links"]
    assert links["pdf"]["path"] == "downloads/items/hulplijn.pdf"
    assert "docx" not in links
