"""The lock files agree with pyproject.toml, pin everything with hashes, and agree with
each other: a stale lock would install versions the ranges do not allow, or build with
other libraries than the tests ran with."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)(?: ;.*?)? \\$", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (REPO / "requirements" / name).read_text(encoding="utf-8")
    found = {canonicalize_name(m.group(1)): m.group(2) for m in PIN.finditer(text)}
    assert found, f"requirements/{name} pins nothing"
    return found


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


@pytest.mark.parametrize(("lock", "extra"), [("build.txt", None), ("test.txt", "test")])
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extra: str | None) -> None:
    locked = pins(lock)
    for requirement in declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is in pyproject.toml but not in {lock}: run make lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{lock} pins {name}=={locked[name]}, outside {requirement.specifier}: run make lock"
        )


def test_the_test_lock_keeps_the_runtime_pins() -> None:
    runtime, test = pins("build.txt"), pins("test.txt")
    assert {name: test.get(name) for name in runtime} == runtime


@pytest.mark.parametrize("lock", ["build.txt", "test.txt"])
def test_every_pin_carries_a_hash(lock: str) -> None:
    text = (REPO / "requirements" / lock).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for block in blocks:
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]
