"""The speed-ups of the build keep every byte: the fast JSON encoder and its pre-encoded
fragments, the Markdown checks in a second process while loading, HTML/JSON rendered by
helper processes that hand over what they derived, and the relative links of the HTML
writer."""

from __future__ import annotations

import copy
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from pakketbuild import jsonout, loader
from pakketbuild.build import BuildOptions, build
from pakketbuild.cache import Cache
from pakketbuild.diagnostics import ContentError
from pakketbuild.engine import schedule
from pakketbuild.loading import lint
from pakketbuild.writers import urls
from pakketbuild.writers.html import _relative_to

from .helpers import manifest, tree_problems

_SCALARS: list[Any] = [
    "",
    'tekst met "aanhalingstekens", \\ en </script>\n\u2028\x01 é',
    0,
    -5,
    10**20,
    1.5,
    -0.0,
    1e300,
    float("nan"),
    float("inf"),
    -float("inf"),
    True,
    False,
    None,
]


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return rng.choice(_SCALARS)
    if roll < 0.7:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.75:
        return tuple(_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    keys = ["a", "b", "ç", "", "\n", "z"]
    return {
        rng.choice(keys) + str(rng.randint(0, 5)): _value(rng, depth + 1)
        for _ in range(rng.randint(0, 4))
    }


@pytest.mark.parametrize("sort_keys", [False, True])
def test_jsonout_writes_what_json_dumps_writes(sort_keys: bool) -> None:
    rng = random.Random(6)
    for _ in range(3000):
        value = _value(rng)
        expected = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=sort_keys)
        assert jsonout.dumps(value, sort_keys=sort_keys) == expected
    odd = {1: "a non-text key", "b": {2.5: None}}  # handed to json.dumps
    assert jsonout.dumps(odd) == json.dumps(odd, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("sort_keys", [False, True])
def test_fragments_land_with_the_indentation_of_their_place(sort_keys: bool) -> None:
    rng = random.Random(7)
    for _ in range(1000):
        inner, outer = _value(rng), _value(rng)
        plain = [outer, {"x": [outer, inner]}]
        placed = copy.deepcopy(plain)
        placed[1]["x"][1] = jsonout.Fragment(jsonout.dumps(inner, sort_keys=sort_keys))
        expected = json.dumps(plain, ensure_ascii=False, indent=2, sort_keys=sort_keys)
        assert jsonout.dumps(placed, sort_keys=sort_keys) == expected
    # The fallback (a value the fast path does not take) parses fragments.
    odd = {1: jsonout.Fragment(jsonout.dumps({"a": [1, 2]}))}
    assert jsonout.dumps(odd) == json.dumps({1: {"a": [1, 2]}}, indent=2)


def test_relative_links_are_those_of_urls_relative() -> None:
    rng = random.Random(8)
    parts = ["a", "b", "items", "index.html", "site.css", "views", ".", "..", ""]
    for _ in range(20000):
        page = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        target = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        try:
            expected = urls.relative(page, target)
        except ValueError:
            continue
        assert _relative_to(page)(target) == expected, (page, target)


def _spoil(content: Path) -> None:
    """Markdown problems in bodies and step texts of several items, and other errors."""
    items = sorted((content / "items").glob("*.md"))
    for index, path in enumerate(items):
        text = path.read_text(encoding="utf-8")
        if index % 3 == 0:
            text += "\n<b>vet</b> en [link](http://onveilig.example)\n"
        elif index % 3 == 1:
            text += "\n# Kop\n\n![beeld](https://voorbeeld.nl/a.png)\n"
            text += "\n::: alleen-voor niemand\nx\n"
        else:
            text = text.replace("title:", "titel: fout\ntitle:", 1)
        text = text.replace("    text: ", "    text: <i>x</i> ", 1)
        path.write_text(text, encoding="utf-8")


def _diagnostics(content: Path, processes: int) -> list[str]:
    try:
        return [d.format_text() for d in loader.load_content(content, processes=processes).warnings]
    except ContentError as exc:
        return [d.format_text() for d in exc.diagnostics]


def test_markdown_checks_in_a_second_process_report_the_same(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean = loader.load_content(content_copy)
    monkeypatch.setattr(lint, "PARALLEL_LINT_MIN_FILES", 2)
    assert loader.load_content(content_copy, processes=2).warnings == clean.warnings
    _spoil(content_copy)
    alone = _diagnostics(content_copy, 1)
    assert len(alone) > 10
    assert _diagnostics(content_copy, 2) == alone


def test_helper_processes_build_the_same_tree(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real content has views and passages for some audiences (audience cuts).
    alone = tmp_path / "alone" / "exports"
    build(
        BuildOptions(
            content=content_copy,
            out=alone,
            formats=["html", "json"],
            jobs=1,
            cache_dir=tmp_path / "alone" / "cache",  # not shared: the next build renders
        )
    )
    monkeypatch.setattr(schedule, "MIN_LIGHT_JOBS_PER_PROCESS", 10)
    monkeypatch.setattr(schedule, "cores", lambda: 3)
    monkeypatch.setattr(lint, "PARALLEL_LINT_MIN_FILES", 2)
    shared = tmp_path / "shared" / "exports"
    result = build(BuildOptions(content=content_copy, out=shared, formats=["html", "json"]))
    assert manifest(shared) == manifest(alone)
    assert tree_problems(shared) == []
    assert result.rendered == len(result.artifacts) == len(result.written)
    # An edit: the helpers link what did not change, like the build process does.
    item = content_copy / "items" / "woningscan.md"
    item.write_text(item.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    again = build(BuildOptions(content=content_copy, out=shared, formats=["html", "json"]))
    assert 0 < len(again.written) < len(again.artifacts) / 2
    assert tree_problems(shared) == []
    rebuilt = tmp_path / "rebuilt" / "exports"
    build(BuildOptions(content=content_copy, out=rebuilt, formats=["html", "json"], jobs=1))
    assert manifest(shared) == manifest(rebuilt)


def test_light_files_reach_the_cache_as_one_pack(content_copy: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "exports", tmp_path / "cache"
    options = BuildOptions(content=content_copy, out=out, formats=["html", "json"], cache_dir=cache)
    cold = build(options)
    objects = cache / "objects"
    assert not objects.exists() or not any(objects.rglob("*"))  # no file per artifact
    packs = sorted((cache / "packs").glob("*.pack"))  # but one pack of all of them
    assert len(packs) == 1 and packs[0].stat().st_size == sum(
        int(entry["bytes"]) for entry in cold.artifacts
    )
    store = Cache(cache, out.resolve())
    first = store.load_state()
    item = content_copy / "items" / "woningscan.md"
    original = item.read_bytes()
    item.write_bytes(original + b"\nNog een zin.\n")
    edited = build(options)
    # Every key the edit replaced is still in the cache (the first pack); the edit's own
    # files are in a second pack, so a deleted output folder needs no rendering either.
    store = Cache(cache, out.resolve())
    replaced = {r.key for path, r in first.artifacts.items()
                if store.load_state().artifacts[path].key != r.key}  # fmt: skip
    assert len(replaced) == edited.rendered > len(edited.written)
    assert all(store.packed(key) is not None for key in replaced)
    assert len(list((cache / "packs").glob("*.pack"))) == 2
    published = manifest(out)
    shutil.rmtree(out)
    assert build(options).rendered == 0 and manifest(out) == published
    item.write_bytes(original)
    assert build(options).rendered == 0


def _new_process() -> None:
    """Forget what this process rendered, as a new build process would start."""
    from pakketbuild import markdown, publication

    publication._HTML_CACHE.clear()
    publication._TEXT_CACHE.clear()
    markdown._cached.cache_clear()
    markdown._RENDERED.clear()


def test_an_edit_build_reuses_the_rendered_markdown_of_the_last_build(
    content_copy: Path, tmp_path: Path
) -> None:
    out, cache = tmp_path / "exports", tmp_path / "cache"
    options = BuildOptions(content=content_copy, out=out, formats=["html", "json"], cache_dir=cache)
    _new_process()
    build(options)
    saved = list((cache / "state").glob("*.renders.json"))
    assert len(saved) == 1 and saved[0].stat().st_size > 0
    item = content_copy / "items" / "woningscan.md"
    item.write_text(item.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    _new_process()
    build(options)
    _new_process()
    clean = tmp_path / "clean" / "exports"
    build(BuildOptions(content=content_copy, out=clean, formats=["html", "json"], jobs=1))
    assert manifest(out) == manifest(clean)
    assert tree_problems(out) == []
