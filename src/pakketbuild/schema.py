"""JSON Schema for the content files, generated from the content model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pakketbuild.model import schema_models

SCHEMA_BASE = "https://json-schema.org/draft/2020-12/schema"


def content_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema (validation mode: what editors may write)."""
    out: dict[str, dict[str, Any]] = {}
    for stem, model in schema_models().items():
        schema = model.model_json_schema(mode="validation")
        schema = {"$schema": SCHEMA_BASE, "$id": f"{stem}.json", **schema}
        if stem in ("item", "pakket"):
            body = "body" if stem == "item" else "intro"
            schema["properties"].pop(body, None)
            schema["description"] = (
                schema.get("description", "")
                + f" In het bestand staan de velden als YAML-front matter; '{body}' is de tekst "
                "onder de afsluitende '---'-regel."
            ).strip()
        out[f"{stem}.json"] = schema
    return out


def dumps(schema: dict[str, Any]) -> str:
    """Stable JSON text for a schema file."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every content schema into ``out_dir``; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, schema in content_schemas().items():
        path = out_dir / name
        text = dumps(schema)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
