"""The committed JSON Schemas match the model, and they validate the real content."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from pakketbuild.schema import content_schemas, dumps

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"


def test_committed_schema_is_up_to_date() -> None:
    expected = {name: dumps(schema) for name, schema in content_schemas().items()}
    actual = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.json")}
    stale = sorted(name for name in expected if actual.get(name) != expected[name])
    extra = sorted(set(actual) - set(expected))
    assert (stale, extra) == ([], []), "schema/ is stale: run `make schema` and commit"


def test_schemas_validate_the_real_content(real_content: Path) -> None:
    schemas = content_schemas()
    jsonschema.validate(
        yaml.safe_load((real_content / "site.yaml").read_text(encoding="utf-8")),
        schemas["site.json"],
    )
    jsonschema.validate(
        yaml.safe_load((real_content / "organisaties.yaml").read_text(encoding="utf-8")),
        schemas["organisations.json"],
    )
    for folder, name in (("items", "item.json"), ("pakketten", "pakket.json")):
        for path in (real_content / folder).glob("*.md"):
            front = path.read_text(encoding="utf-8").split("---\n")[1]
            jsonschema.validate(yaml.safe_load(front), schemas[name])


def test_schemas_reject_unknown_fields() -> None:
    schema = content_schemas()["organisations.json"]
    bad = {"organisations": [{"id": "x", "name": "X", "website": "y"}]}
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("unknown field accepted")


def test_descriptions_are_shown_to_editors() -> None:
    item = content_schemas()["item.json"]
    assert "bestandsnaam" in item["properties"]["id"]["description"]
    assert "body" not in item["properties"]
