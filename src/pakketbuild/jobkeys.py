"""The job protocol's two vocabularies, built and read in this module only.

* A **subject** says what an output file is about; it is written into the manifest
  (``manifest.json``), so its text is part of the public output: ``item:<id>``,
  ``pakket:<id>``, ``site``, ``audience:<a>``, ``atom``, ``atom:<a>``, ``schema:<name>``,
  ``withdrawn``, ``theme``, ``asset:<name>``, ``theme-file:<name>``, ``openapi``,
  ``host-headers``, ``sitemap``, ``bundle:<view>``, and
  ``view:<view>:<subject>`` for a view's copy.
* A **dependency key** names content whose change must rebuild a file: ``item:<id>``,
  ``pakket:<id>``, ``site``, ``organisations``, ``organisation:<id>``, ``withdrawn``,
  ``theme:<id>``, ``theme-file:<id>:<name>``, ``source-date`` (the date of the source
  revision, ``SOURCE_DATE_EPOCH``, for the files that show it) or ``*`` (everything).

Both are :class:`str` at run time (cheap, and the manifest and cache keys stay as they
were), but distinct types for mypy: a writer cannot pass a hand-made string where a
:data:`Subject` or :data:`Dep` belongs. :func:`check_dep` is called for every key when
the build plans its jobs, so a key of an unknown kind stops the build at once instead of
hashing as "absent" (which would mean the file is never rebuilt).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NewType

Subject = NewType("Subject", str)
Dep = NewType("Dep", str)

# -- subjects ----------------------------------------------------------------------------

SITE = Subject("site")
WITHDRAWN = Subject("withdrawn")
ATOM = Subject("atom")
THEME = Subject("theme")
OPENAPI = Subject("openapi")
HOST_HEADERS = Subject("host-headers")
SITEMAP = Subject("sitemap")


def item(item_id: str) -> Subject:
    return Subject(f"item:{item_id}")


def pakket(pakket_id: str) -> Subject:
    return Subject(f"pakket:{pakket_id}")


def bundle(view_id: str) -> Subject:
    """A view's combined document."""
    return Subject(f"bundle:{view_id}")


def withdrawn_item(item_id: str) -> Subject:
    """The page that says an item was withdrawn."""
    return Subject(f"withdrawn:{item_id}")


def audience(value: str) -> Subject:
    return Subject(f"audience:{value}")


def atom(audience_value: str) -> Subject:
    return Subject(f"atom:{audience_value}")


def schema(name: str) -> Subject:
    return Subject(f"schema:{name}")


def asset(name: str) -> Subject:
    return Subject(f"asset:{name}")


def theme_file(name: str) -> Subject:
    return Subject(f"theme-file:{name}")


def in_view(view_id: str, subject: Subject) -> Subject:
    """The subject of a view's copy of a file."""
    return Subject(f"view:{view_id}:{subject}")


def outside_view(view_id: str, subject: str) -> Subject:
    """The inverse of :func:`in_view`."""
    return Subject(subject.removeprefix(f"view:{view_id}:"))


@dataclass(frozen=True)
class Parsed:
    """A subject taken apart: ``kind`` (``item``, ``site`` …) and ``ident`` (the id,
    audience, name …; "" when there is none), with the view it belongs to."""

    kind: str
    ident: str
    view: str | None = None


def parse(subject: str, view: str | None = None) -> Parsed:
    """``subject`` (of a job of ``view``) taken apart."""
    if view is not None:
        subject = outside_view(view, subject)
    kind, _, ident = subject.partition(":")
    return Parsed(kind, ident, view)


# -- dependency keys ----------------------------------------------------------------------

SITE_DEP = Dep("site")
ORGANISATIONS = Dep("organisations")
WITHDRAWN_DEP = Dep("withdrawn")
EVERYTHING = Dep("*")
SOURCE_DATE = Dep("source-date")
"""The date of the source revision (:mod:`pakketbuild.sourcedate`): a dependency of the
files that show it (a document whose content names no date of its own), and of no
other, so a new commit on another day rebuilds those files only."""


def item_dep(item_id: str) -> Dep:
    return Dep(f"item:{item_id}")


def pakket_dep(pakket_id: str) -> Dep:
    return Dep(f"pakket:{pakket_id}")


def theme_dep(theme_id: str) -> Dep:
    return Dep(f"theme:{theme_id}")


def theme_file_dep(theme_id: str, name: str) -> Dep:
    return Dep(f"theme-file:{theme_id}:{name}")


def deps(keys: Iterable[Dep]) -> tuple[Dep, ...]:
    """Keys without repeats, sorted (a job's ``deps``)."""
    return tuple(sorted(set(keys)))


_PLAIN = frozenset({"site", "organisations", "organisaties", "withdrawn", "source-date", "*"})
_KINDS = frozenset({"item", "pakket", "organisation", "theme", "theme-file"})


def check_dep(key: str) -> str:
    """The kind of ``key`` (``item``, ``site`` …); a :class:`ValueError` for a key no
    content can have (a writer's mistake, found when the build plans its jobs)."""
    if key in _PLAIN:
        return key
    kind, sep, ident = key.partition(":")
    if sep and ident and kind in _KINDS:
        return kind
    raise ValueError(f"unknown dependency key {key!r}")
