"""Loader and model behaviour on valid input."""

from __future__ import annotations

import re
from pathlib import Path

import pydantic
import pytest

from pakketbuild.diagnostics import ContentError
from pakketbuild.loader import docx_template, load_content
from pakketbuild.model import Contact, Item, Status
from tests.content.tree import ITEM, SITE, write_tree


def test_minimal_tree_loads(tmp_path: Path) -> None:
    content = load_content(write_tree(tmp_path / "content"))
    assert list(content.items) == ["woningscan"]
    item = content.items["woningscan"]
    assert item.body == "De tekst van het onderdeel."
    assert item.status is Status.GEPUBLICEERD
    assert content.pakketten["pakket"].intro == "De inleiding."
    assert content.warnings == []


def test_bom_and_crlf_simply_work(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + ITEM.replace("\n", "\r\n").encode("utf-8")
    content = load_content(write_tree(tmp_path / "content", {"items/woningscan.md": data}))
    item = content.items["woningscan"]
    assert item.title == "Woningscan"
    assert "\r" not in item.body


def test_phone_kept_as_written_and_as_e164() -> None:
    contact = Contact(label="Team", phone="070-3738314")
    assert contact.phone == "070-3738314"
    assert contact.phone_e164 == "+31703738314"
    assert Contact(label="Team", phone="+32 2 555 12 12").phone_e164 == "+3225551212"


def test_models_are_immutable(tmp_path: Path) -> None:
    item = load_content(write_tree(tmp_path / "content")).items["woningscan"]
    with pytest.raises(pydantic.ValidationError):
        item.title = "Anders"  # type: ignore[misc]


def test_unknown_keys_are_errors_in_nested_models() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Contact.model_validate({"label": "x", "phone": "070-3738314", "fax": "1"})
    assert caught.value.errors()[0]["type"] == "extra_forbidden"


def test_every_field_has_a_description() -> None:
    from pakketbuild.model import schema_models

    missing = []
    seen: set[type[pydantic.BaseModel]] = set()
    todo = list(schema_models().values())
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            if not info.description:
                missing.append(f"{model.__name__}.{name}")
            for arg in _models_in(info.annotation):
                todo.append(arg)
    assert missing == []


def _models_in(annotation: object) -> list[type[pydantic.BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return [annotation]
    found: list[type[pydantic.BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_models_in(arg))
    return found


def test_real_content_loads(real_content: Path) -> None:
    content = load_content(real_content)
    assert len(content.items) == 7
    assert list(content.pakketten) == ["veiligheidspakket-startende-burgemeesters"]
    assert content.warnings == []
    phone = content.items["ondersteuningsteam-weerbaar-bestuur"].contacts[0]
    assert (phone.phone, phone.phone_e164) == ("070-3738314", "+31703738314")


def test_real_content_invents_no_urls_or_dates(real_content: Path) -> None:
    """The source gives no URLs, dates or steps: those slots stay empty."""
    content = load_content(real_content)
    assert content.site.base_url is None
    for item in content.items.values():
        assert isinstance(item, Item)
        assert item.steps == []
        assert item.last_reviewed is None and item.review_by is None and item.changes == []
        assert all(d.url is None and d.path is None for d in item.documents)
        assert all(c.url is None and c.email is None for c in item.contacts)
    assert all(org.url is None for org in content.organisations.values())
    for path in real_content.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://(?!json-schema)", text.split("$schema")[-1]), path


def _word_file(path: Path) -> bytes:
    import docx

    docx.Document().save(str(path))
    return path.read_bytes()


def test_the_word_template_is_read_by_the_loader(tmp_path: Path) -> None:
    """site.yaml's ``docx_template`` is read like the content files, with check's own
    checks: a template replaced after loading (a link out, a folder, not a Word file) is
    refused with the message ``check`` gives, at site.yaml's line."""
    root = write_tree(tmp_path / "content", {"site.yaml": SITE + "docx_template: huisstijl.docx\n"})
    data = _word_file(root / "huisstijl.docx")
    content = load_content(root)
    assert docx_template(content) == data
    assert docx_template(load_content(write_tree(tmp_path / "zonder"))) is None

    outside = tmp_path / "elders.docx"
    _word_file(outside)
    (root / "huisstijl.docx").unlink()
    (root / "huisstijl.docx").symlink_to(outside)
    with pytest.raises(ContentError) as info:
        docx_template(content)
    (problem,) = info.value.diagnostics
    assert (problem.path, problem.line, problem.code, problem.field) == (
        "content/site.yaml",
        5,
        "path-outside-content",
        "docx_template",
    )
    assert "the document 'huisstijl.docx' leads outside the content folder" in problem.message

    (root / "huisstijl.docx").unlink()
    (root / "huisstijl.docx").write_text("geen Word-bestand", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        docx_template(content)
    assert [d.code for d in info.value.diagnostics] == ["invalid-template"]
