"""``check`` reports mistakes in views and audience passages with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from pakketbuild.cli import main
from tests.views.trees import HULP, SITE, write_views_tree


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, str]) -> str:
    root = write_views_tree(tmp_path / "content", changes)  # type: ignore[arg-type]
    code = main(["check", "--content", str(root)])
    err = capsys.readouterr().err
    assert code == 1, err
    return err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "audiences: [raadslid]\n    theme",
            "audiences: [raadsleden]\n    theme",
            "content/site.yaml:9:17: error[invalid-value] (views[0].audiences[0]): the text "
            "'raadsleden' is not allowed here; did you mean 'raadslid'? choose one of "
            "'burgemeester', 'wethouder', 'raadslid'",
        ),
        (
            "  - id: wethouders",
            "  - id: raadsleden",
            "content/site.yaml:11:9: error[duplicate-id] (views[1].id): the view id "
            "'raadsleden' is used twice",
        ),
        (
            "    audiences: [wethouder]\n",
            "    audiences: [wethouder]\n    items: [hulp, hulpp]\n",
            "content/site.yaml:14:19: error[unknown-reference] (views[1].items[1]): there is "
            "no item with id 'hulpp'; did you mean 'hulp'?",
        ),
        (
            "    audiences: [wethouder]\n",
            "    audiences: [wethouder]\n    items: [scan]\n",
            "content/site.yaml:14:13: error[invalid-value] (views[1].items[0]): 'scan' is not "
            "for this view's audiences (wethouder)",
        ),
        (
            "    audiences: [wethouder]\n",
            "    audiences: [wethouder]\n    items: [hulp, hulp]\n",
            "content/site.yaml:14:19: error[duplicate-id] (views[1].items[1]): 'hulp' is "
            "listed twice in the items of view 'wethouders'",
        ),
        (
            "    audiences: [wethouder]\n",
            "    audiences: []\n",
            "content/site.yaml:13:16: error[missing-value] (views[1].audiences): "
            "'views[1].audiences' needs at least one entry",
        ),
    ],
)
def test_view_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    assert old in SITE
    err = _check(tmp_path, capsys, {"site.yaml": SITE.replace(old, new)})
    assert expected in err, err


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "::: alleen-voor wethouder\nAls",
            "::: alleen-voor wethouders\nAls",
            "content/items/hulp.md:29:1: error[unknown-audience]: 'wethouders' is not "
            "an audience; did you mean 'wethouder'?",
        ),
        (
            "::: alleen-voor wethouder\nAls",
            "::: alleen-voo wethouder\nAls",
            "content/items/hulp.md:29:1: error[invalid-passage]: '::: alleen-voo' is "
            "not a known block",
        ),
        (
            "eerst de secretaris.\n:::\n",
            "eerst de secretaris.\n",
            "content/items/hulp.md:29:1: error[invalid-passage]: the passage that "
            "starts here is never closed",
        ),
        (
            "::: alleen-voor wethouder\nAls",
            "::: alleen-voor\nAls",
            "content/items/hulp.md:29:1: error[invalid-passage]: name at least one "
            "audience after 'alleen-voor'",
        ),
        (
            "      ::: alleen-voor raadslid\n",
            "      ::: alleen-voor raadsld\n",
            "content/items/hulp.md:16:11: error[unknown-audience] (steps[0].text)",
        ),
    ],
)
def test_passage_mistakes_point_at_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str
) -> None:
    assert old in HULP
    err = _check(tmp_path, capsys, {"items/hulp.md": HULP.replace(old, new)})
    assert expected in err, err


def test_a_passage_for_an_audience_the_item_does_not_serve_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HULP.replace("::: alleen-voor wethouder\nAls", "::: alleen-voor statenlid\nAls")
    root = write_views_tree(tmp_path / "content", {"items/hulp.md": text})
    assert main(["check", "--content", str(root)]) == 0
    assert (
        "content/items/hulp.md:29:1: warning[passage-audience]: this passage is for "
        "statenlid, but the item is not"
    ) in capsys.readouterr().err
