"""A view shares with the full edition what its audience cut does not change: the item
models themselves (and with them everything keyed on their texts: rendered Markdown,
plain text), so that a build with views does not hold one copy of the content per view."""

from __future__ import annotations

from pathlib import Path

from pakketbuild.loader import load_content
from pakketbuild.publication import build_publication


def _texts(body: str, steps: list[str | None]) -> list[str]:
    return [body, *(text for text in steps if text)]


def _shared_and_cut(root: Path) -> tuple[int, int]:
    """How many (view, item) pairs share the full edition's item model, and how many
    have their own cut; asserts that exactly the items with a passage are cut."""
    pub = build_publication(load_content(root))
    shared = cut = 0
    for view_id, view in pub.views.items():
        for item_id, item in view.items.items():
            source = pub.items[item_id].item
            has_passage = any(":::" in text for text in _texts(
                source.body, [step.text for step in source.steps]
            ))  # fmt: skip
            if has_passage:
                cut += 1
                assert item.item is not source, (view_id, item_id)
                assert ":::" not in item.item.body, (view_id, item_id)
            else:
                shared += 1
                assert item.item is source, (view_id, item_id)
                assert item.providers == pub.items[item_id].providers
    return shared, cut


def test_a_view_reuses_the_items_without_a_passage(real_content: Path) -> None:
    # The real content has four views and no passages: every item of every view is the
    # full edition's item model.
    shared, cut = _shared_and_cut(real_content)
    assert shared >= 4 and cut == 0


def test_a_view_cuts_the_items_with_a_passage(views_content: Path) -> None:
    _, cut = _shared_and_cut(views_content)
    assert cut >= 2


def test_an_audience_cut_reuses_the_editions_resolved_items_without_a_passage(
    views_content: Path,
) -> None:
    pub = build_publication(load_content(views_content))
    checked = 0
    for audience in pub.audiences:
        for item_id, item in pub.audience_cut(audience).items.items():
            source = pub.items[item_id]
            if ":::" not in source.item.body and not any(
                step.text and ":::" in step.text for step in source.item.steps
            ):
                assert item is source, (audience, item_id)
                checked += 1
    assert checked


def test_a_views_combined_documents_are_scheduled_before_the_item_documents(
    real_content: Path,
) -> None:
    # Without previous render times, the longest jobs start first; a view's combined
    # document holds all of the view's items, so it must not wait until the end.
    from pakketbuild.cache import State
    from pakketbuild.engine.schedule import expected_seconds
    from pakketbuild.engine.staging import Planned
    from pakketbuild.writers import BuildContext, get_writer

    pub = build_publication(load_content(real_content))
    writer = get_writer("pdf")
    jobs = writer.jobs(pub, BuildContext(formats=("pdf",)))
    planned = [Planned(writer, job, "") for job in jobs]
    order = sorted(planned, key=lambda p: (-expected_seconds(p, State()), p.job.path))
    bundles = [p for p in planned if p.job.subject.endswith(f"bundle:{p.job.view}")]
    assert len(bundles) == len(pub.views)
    items = [p for p in planned if ":item:" in p.job.subject or p.job.subject.startswith("item:")]
    assert items
    last_bundle = max(order.index(p) for p in bundles)
    assert last_bundle < min(order.index(p) for p in items)
