"""``pakketbuild diff REV [REV2]``: what changed in the content between two git revisions,
as Markdown release notes (Dutch: they are read by the associations' editors).

The content folder is taken out of git at each revision (``git archive``, into a
temporary folder; REV2 defaults to the working tree as it is on disk), both are loaded
and validated with :func:`pakketbuild.loader.load_content`, and then compared:

* items that became published (new files, or a status that changed to gepubliceerd);
* items that were withdrawn (removed, archived, or listed in ``withdrawn.yaml``);
* changed fields of items that stay published (old → new), new change-log entries, and
  the changed text as a unified diff of the Markdown;
* pakketten that were added, removed or changed, with new editions;
* views that were added or removed.

The build itself never reads git history: it must give the same bytes from a tarball, a
shallow clone or an export. The change log an item shows is its ``changes:`` list, which
editors write and review; ``diff`` is the tool that helps them write it.
"""

from __future__ import annotations

import difflib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pakketbuild.diagnostics import ContentError, UsageError
from pakketbuild.i18n import _
from pakketbuild.loader import Content, load_content
from pakketbuild.model import AUDIENCE_LABELS, Item, Status

MAX_TEXT_DIFF_LINES = 60
"""Longest text diff shown per item; longer ones are cut with a note."""


@dataclass(frozen=True)
class Revision:
    """A revision as the user named it and as git resolved it."""

    name: str
    commit: str | None
    """Full commit id; None for the working tree."""

    @property
    def label(self) -> str:
        if self.commit is None:
            return "de werkmap"
        short = self.commit[:10]
        return f"`{self.name}` ({short})" if not self.commit.startswith(self.name) else f"`{short}`"


class RevisionError(ContentError):
    """The content at a revision has problems; carries the revision for the message."""

    def __init__(self, revision: Revision, error: ContentError) -> None:
        super().__init__(error.diagnostics)
        self.revision = revision


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise UsageError(_("git is not installed; pakketbuild diff needs git")) from None


def _repository(content: Path) -> tuple[Path, str]:
    """The repository's top folder and the content folder's path inside it."""
    if not content.is_dir():
        raise UsageError(_("--content {folder}: there is no such folder").format(folder=content))
    top = _git(content, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(
            _(
                "{folder} is not inside a git repository; pakketbuild diff compares versions "
                "of a repository"
            ).format(folder=content)
        )
    prefix = _git(content, "rev-parse", "--show-prefix").stdout.decode().strip()
    return Path(top.stdout.decode().strip()), prefix


def _resolve(top: Path, name: str) -> Revision:
    if name.startswith("-"):
        raise UsageError(_("'{name}' is not a version (commit, branch or tag)").format(name=name))
    found = _git(top, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(
            _(
                "unknown version '{name}'; give a commit, branch or tag of this repository "
                "(see 'git log --oneline')"
            ).format(name=name)
        )
    return Revision(name, found.stdout.decode().strip())


@contextmanager
def _checked_out(top: Path, prefix: str, revision: Revision, name: str) -> Iterator[Path]:
    """The content folder as it was at ``revision``, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="pakketbuild-diff-") as tmp:
        assert revision.commit is not None
        spec = [prefix.rstrip("/")] if prefix else []
        archive = _git(top, "archive", "--format=tar", revision.commit, "--", *spec)
        if archive.returncode != 0:
            raise UsageError(
                _("there is no folder '{folder}' in version '{name}'").format(
                    folder=prefix.rstrip("/") or ".", name=revision.name
                )
            )
        extracted = Path(tmp) / "x"
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(extracted, filter="data")
        root = extracted / prefix if prefix else extracted
        # Diagnostics name the folder as the user knows it ("content/items/…").
        target = Path(tmp) / "at" / name
        target.parent.mkdir()
        root.rename(target)
        yield target


def _load(root: Path, revision: Revision) -> Content:
    try:
        return load_content(root)
    except ContentError as exc:
        raise RevisionError(revision, exc) from None


def diff_revisions(content: Path, old: str, new: str | None) -> str:
    """Markdown release notes of the changes in ``content`` from ``old`` to ``new`` (a
    revision, or None for the working tree)."""
    top, prefix = _repository(content.resolve())
    before = _resolve(top, old)
    after = _resolve(top, new) if new is not None else Revision("werkmap", None)
    name = content.resolve().name
    with _checked_out(top, prefix, before, name) as old_root:
        old_content = _load(old_root, before)
        if after.commit is None:
            new_content = _load(content.resolve(), after)
            return release_notes(old_content, new_content, before, after)
        with _checked_out(top, prefix, after, name) as new_root:
            new_content = _load(new_root, after)
            return release_notes(old_content, new_content, before, after)


# --------------------------------------------------------------------------- comparing


def _published(content: Content) -> dict[str, Item]:
    return {i: item for i, item in content.items.items() if item.status is Status.GEPUBLICEERD}


def _short(value: Any, limit: int = 80) -> str:
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value) if value else "(leeg)"
    elif value is None or value == "":
        text = "(leeg)"
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _audiences(item: Item) -> str:
    return ", ".join(AUDIENCE_LABELS[a][1] for a in item.audiences)


_SKIP_FIELDS = {"id", "body", "changes"}


def release_notes(old: Content, new: Content, before: Revision, after: Revision) -> str:
    """The Markdown release notes for two loaded contents."""
    was, now = _published(old), _published(new)
    out = [f"# Wijzigingen in de inhoud van {before.label} tot {after.label}", ""]
    empty = True

    added = [now[i] for i in sorted(set(now) - set(was))]
    if added:
        empty = False
        out += ["## Nieuwe onderdelen", ""]
        for item in added:
            out.append(f"- **{item.title}** (`{item.id}`), voor {_audiences(item)}")
        out.append("")

    gone = sorted(set(was) - set(now))
    if gone:
        empty = False
        out += ["## Ingetrokken onderdelen", ""]
        for item_id in gone:
            item = was[item_id]
            later = new.items.get(item_id)
            entry = new.withdrawn.get(item_id)
            if later is not None:
                how = f"status nu '{later.status.value}'"
                successor = later.replaced_by
            elif entry is not None:
                how = f"ingetrokken op {entry.date.isoformat()}"
                how += f": {entry.reason}" if entry.reason else ""
                successor = entry.replaced_by
            else:
                how, successor = "bestand verwijderd", None
            line = f"- **{item.title}** (`{item_id}`): {how}"
            if successor:
                target = new.items.get(successor)
                line += f"; vervangen door **{target.title if target else successor}**"
                line += f" (`{successor}`)"
            out.append(line)
        out.append("")

    changed: list[str] = []
    for item_id in sorted(set(was) & set(now)):
        section = _item_changes(was[item_id], now[item_id])
        if section:
            changed += section
    if changed:
        empty = False
        out += ["## Gewijzigde onderdelen", "", *changed]

    pakketten = _pakket_changes(old, new)
    if pakketten:
        empty = False
        out += ["## Pakketten", "", *pakketten, ""]

    views_before = {v.id: v for v in old.site.views}
    views_after = {v.id: v for v in new.site.views}
    view_lines = [
        f"- Nieuwe weergave **{views_after[v].title}** (`{v}`)"
        for v in sorted(set(views_after) - set(views_before))
    ] + [
        f"- Weergave **{views_before[v].title}** (`{v}`) vervalt"
        for v in sorted(set(views_before) - set(views_after))
    ]
    if view_lines:
        empty = False
        out += ["## Weergaven", "", *view_lines, ""]

    if empty:
        out += ["Geen wijzigingen in de gepubliceerde inhoud.", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _item_changes(old: Item, new: Item) -> list[str]:
    before = old.model_dump(mode="json")
    after = new.model_dump(mode="json")
    lines: list[str] = []
    for key in after:
        if key in _SKIP_FIELDS or before.get(key) == after.get(key):
            continue
        old_value, new_value = before.get(key), after.get(key)
        if (
            isinstance(old_value, list)
            and isinstance(new_value, list)
            and all(isinstance(v, str) for v in old_value + new_value)
        ):
            plus = [v for v in new_value if v not in old_value]
            minus = [v for v in old_value if v not in new_value]
            parts = [f"erbij: {', '.join(plus)}"] if plus else []
            parts += [f"eraf: {', '.join(minus)}"] if minus else []
            lines.append(f"- `{key}`: {'; '.join(parts) or 'andere volgorde'}")
        elif isinstance(old_value, list) and isinstance(new_value, list):
            lines.append(f"- `{key}`: gewijzigd ({len(old_value)} → {len(new_value)} regels)")
        else:
            lines.append(f"- `{key}`: {_short(old_value)} → {_short(new_value)}")
    old_changes = {(c.date, c.summary) for c in old.changes}
    for change in new.changes:
        if (change.date, change.summary) not in old_changes:
            lines.append(f"- Wijzigingslog: {change.date.isoformat()}: {change.summary}")
    if old.body != new.body:
        text = list(
            difflib.unified_diff(
                old.body.splitlines(), new.body.splitlines(), "voor", "na", lineterm="", n=1
            )
        )[2:]
        added = sum(1 for line in text if line.startswith("+"))
        removed = sum(1 for line in text if line.startswith("-"))
        lines.append(f"- Tekst: {added} regel(s) erbij, {removed} regel(s) eraf")
        shown = text[:MAX_TEXT_DIFF_LINES]
        lines += ["", "  ```diff", *(f"  {line}" for line in shown), "  ```"]
        if len(text) > len(shown):
            lines.append(f"  (nog {len(text) - len(shown)} regels verschil)")
    if not lines:
        return []
    return [f"### {new.title} (`{new.id}`)", "", *lines, ""]


def _pakket_changes(old: Content, new: Content) -> list[str]:
    def live(content: Content) -> dict[str, Any]:
        return {pid: p for pid, p in content.pakketten.items() if p.status is Status.GEPUBLICEERD}

    was, now = live(old), live(new)
    lines = [f"- Nieuw pakket **{now[p].title}** (`{p}`)" for p in sorted(set(now) - set(was))]
    lines += [f"- Pakket **{was[p].title}** (`{p}`) vervalt" for p in sorted(set(was) - set(now))]
    for pid in sorted(set(was) & set(now)):
        a, b = was[pid], now[pid]
        notes: list[str] = []
        if a.title != b.title:
            notes.append(f"titel: {a.title} → {b.title}")
        plus = [i for i in b.items if i not in a.items]
        minus = [i for i in a.items if i not in b.items]
        if plus:
            notes.append(f"onderdelen erbij: {', '.join(plus)}")
        if minus:
            notes.append(f"onderdelen eruit: {', '.join(minus)}")
        if not plus and not minus and a.items != b.items:
            notes.append("andere volgorde van de onderdelen")
        if a.intro != b.intro:
            notes.append("inleiding gewijzigd")
        old_editions = {(e.date, e.summary) for e in a.editions}
        for edition in b.editions:
            if (edition.date, edition.summary) not in old_editions:
                notes.append(f"editie {edition.date.isoformat()}: {edition.summary}")
        if a.edition != b.edition:
            notes.append(f"editie: {_short(a.edition)} → {_short(b.edition)}")
        if notes:
            lines.append(f"- **{b.title}** (`{pid}`): " + "; ".join(notes))
    return lines
