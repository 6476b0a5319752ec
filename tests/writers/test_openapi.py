"""``api/v1/openapi.json``: valid OpenAPI 3.1 (PyPI ``openapi-spec-validator``), linted by
Spectral with the Logius ruleset of the Dutch API Design Rules, with no error outside
the "leg uit" list documented in ``docs/url-contract.md``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pakketbuild.writers.openapi import API_FULL_VERSION
from tests.clients import spectral_results
from tests.writers.html_tools import SMALL, build_tree

ROOT = Path(__file__).resolve().parents[2]
LEG_UIT = {
    "nlgov:paths-kebab-case": {"real", "small"},
    "nlgov:problem-invalid-input": {"real", "small"},
    "nlgov:info-contact-fields-exist": {"real", "small"},
}
"""Rules a static tree cannot meet (the "leg uit" table of docs/url-contract.md), and the
trees of this test that report them."""


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tree(SMALL, tmp_path_factory.mktemp("openapi") / "exports")


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def documented_leg_uit() -> set[str]:
    """The rule codes listed in the "leg uit" table of docs/url-contract.md."""
    text = (ROOT / "docs/url-contract.md").read_text("utf-8")
    section = text.split("### Leg uit", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9:-]+)` \|", section, flags=re.MULTILINE))


@pytest.mark.parametrize("tree", ["small", "real"])
def test_openapi_spec_validator_passes(tree: str, small_site: Path, real_site: Path) -> None:
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    path = (small_site if tree == "small" else real_site) / "api/v1/openapi.json"
    spec, base_uri = read_from_filename(str(path))
    validate(spec, base_uri=base_uri)  # raises on an invalid description
    broken = json.loads(json.dumps(spec))
    del broken["paths"]["/index.json"]["get"]["responses"]["200"]["description"]
    with pytest.raises(Exception, match="description"):
        validate(broken, base_uri=base_uri)


def test_the_description_follows_the_build(small_site: Path, real_site: Path) -> None:
    real = _json(real_site / "api/v1/openapi.json")
    assert real["openapi"] == "3.1.0" and real["info"]["version"] == API_FULL_VERSION
    # Only facts from the content: the real publisher has a name, no website, no e-mail.
    assert real["info"]["contact"] == {"name": "Netwerk Weerbaar Bestuur"}
    assert real["servers"] == [{"url": "../v1", "description": "The API, version 1."}]
    small = _json(small_site / "api/v1/openapi.json")
    assert small["info"]["contact"] == {
        "name": "Voorbeeldnetwerk Weerbaar Bestuur",
        "url": "https://voorbeeld.nl/",
    }
    assert small["servers"][0]["url"] == "https://voorbeeld.nl/pakket/api/v1"
    for doc, root in ((real, real_site), (small, small_site)):
        api = root / "api/v1"
        assert set(doc["paths"]) == {
            "/index.json", "/items/{itemId}.json", "/pakketten/{pakketId}.json",
            "/withdrawn.json", "/openapi.json", "/feeds/feed.json", "/feeds/{audience}.json",
            "/feeds/feed.atom", "/feeds/{audience}.atom",
        }  # fmt: skip
        for name, schema in doc["components"]["schemas"].items():
            if "$ref" in schema:
                assert (api / schema["$ref"]).is_file(), name
        for path, item in doc["paths"].items():
            ok = item["get"]["responses"]["200"]
            assert "API-Version" in ok["headers"], path
            for content in ok["content"].values():
                for example in content.get("examples", {}).values():
                    if "externalValue" in example:
                        assert (api / example["externalValue"]).is_file(), path
        # The item example is this build's document, byte for byte the same data.
        item_ok = doc["paths"]["/items/{itemId}.json"]["get"]["responses"]["200"]
        [(item_id, example)] = item_ok["content"]["application/json"]["examples"].items()
        assert example["value"] == _json(api / f"items/{item_id}.json")


def test_spectral_with_the_api_design_rules_finds_only_documented_exceptions(
    small_site: Path, real_site: Path, tmp_path: Path
) -> None:
    assert documented_leg_uit() == set(LEG_UIT), "the table in docs/url-contract.md"
    # A broken copy beside the real one proves that the linter really judges the examples.
    shutil.copytree(real_site / "api/v1", tmp_path / "v1")
    broken = _json(tmp_path / "v1/openapi.json")
    item_ok = broken["paths"]["/items/{itemId}.json"]["get"]["responses"]["200"]
    for example in item_ok["content"]["application/json"]["examples"].values():
        example["value"]["title"] = 42
    (tmp_path / "v1/openapi.json").write_text(json.dumps(broken), "utf-8")
    files = {
        "real": real_site / "api/v1/openapi.json",
        "small": small_site / "api/v1/openapi.json",
        "broken": tmp_path / "v1/openapi.json",
    }
    results = spectral_results(list(files.values()))
    by_file: dict[str, list[dict[str, Any]]] = {name: [] for name in files}
    for finding in results:
        for name, path in files.items():
            if Path(finding["source"]).resolve() == path.resolve():
                by_file[name].append(finding)
    for name in ("real", "small"):
        errors = [f for f in by_file[name] if f["severity"] == 0]
        unexplained = [f"{f['code']} at {f['path']}" for f in errors if f["code"] not in LEG_UIT]
        assert unexplained == [], name
        found = {f["code"] for f in errors}
        assert found == {code for code, trees in LEG_UIT.items() if name in trees}, name
    assert any(f["code"] == "oas3-valid-media-example" for f in by_file["broken"])


def test_host_configuration_sends_the_contract_headers(small_site: Path) -> None:
    headers = (small_site / "_headers").read_text("utf-8")
    rules: dict[str, list[str]] = {}
    current: list[str] = []
    for line in headers.splitlines():
        if line.startswith("/"):
            current = rules.setdefault(line, [])
        elif line.startswith("  "):
            current.append(line.strip())
    index = _json(small_site / "api/v1/index.json")
    assert f"API-Version: {API_FULL_VERSION}" in rules["/pakket/api/*"]
    assert "Access-Control-Allow-Origin: *" in rules["/pakket/api/*"]
    for feed in index["feeds"]:
        json_rule = rules["/pakket/" + feed["link"]["path"]]
        assert "Content-Type: application/feed+json; charset=utf-8" in json_rule
        assert any(h.startswith("Cache-Control: public, max-age=") for h in json_rule)
        atom_rule = rules["/pakket/" + feed["atom"]["path"]]
        assert "Content-Type: application/atom+xml; charset=utf-8" in atom_rule
    nginx = (ROOT / "docs/hosting/nginx.conf").read_text("utf-8")
    versions = set(re.findall(r'add_header API-Version "([^"]+)"', nginx))
    assert versions == {API_FULL_VERSION}
    assert "application/feed+json" in nginx and 'Access-Control-Allow-Origin "*"' in nginx
