"""Draw the map of the house in ``docs/architecture.md`` from the import graph.

The picture (a Mermaid flowchart) and the table of modules below it are generated from the
source: every module of ``src/pakketbuild``, what it imports at run time (imports inside
functions count, imports for type checking only do not) and the first sentence of its
docstring. The script rewrites what lies between the markers
``<!-- architecture:picture -->`` … ``<!-- /architecture:picture -->`` and
``<!-- architecture:modules -->`` … ``<!-- /architecture:modules -->``; the rest of the
page is written by hand. ``tests/test_architecture.py`` fails when the committed page
differs from what this script writes, so the map cannot drift from the code.

How it reads: one box per layer, from the commands at the top to the shared base at the
bottom (:data:`LAYERS`); a package (``cms/``, ``engine/``, ``loading/``, ``writers/``) is a
layer of its own. Arrows between modules of the same layer are drawn module to module;
arrows between layers once per pair of layers, from the layer that imports to the layer
it imports. The arrows to :mod:`pakketbuild.i18n` (gettext, used everywhere) and to the
package's ``__init__`` (its version) are left out. A module at the top of the package
that no layer names belongs to the base, which must import nothing above it: the tests
fail when it does, so a new module is placed in its layer here.

Usage::

    python scripts/architecture.py           # rewrite docs/architecture.md
    python scripts/architecture.py --check   # exit 1 when the page is out of date
    python scripts/architecture.py --graph   # print the import graph, one module a line
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "pakketbuild"
DOC = ROOT / "docs" / "architecture.md"
PICTURE = ("<!-- architecture:picture -->", "<!-- /architecture:picture -->")
LAYERS_BLOCK = ("<!-- architecture:layers -->", "<!-- /architecture:layers -->")
LEFT_OUT = {"pakketbuild", "pakketbuild.i18n"}
"""Modules whose incoming arrows are not drawn (the package's ``__init__``: the version;
``i18n``: gettext's ``_()``, which nearly every module imports)."""


@dataclass(frozen=True)
class Layer:
    id: str
    name: str
    about: str
    modules: tuple[str, ...] = ()
    """Top-level modules (without ``pakketbuild.``); empty for a package's layer, which
    holds the package's modules."""
    package: str | None = None


COMMAND_MODULES = (
    "__main__", "cli", "serve", "serve_http", "preview", "status", "diff", "scaffold", "schema",
    "freshness",
)  # fmt: skip
LAYERS = (
    Layer(
        "commands",
        "commands",
        "the command line and what its commands run",
        COMMAND_MODULES,
    ),
    Layer("cms", "cms/", "the browser editor", package="cms"),
    Layer("conductor", "build.py", "the public build API; conducts the engine", ("build",)),
    Layer("engine", "engine/", "the build engine's parts", package="engine"),
    Layer("writers", "writers/", "one writer per format, and the registry", package="writers"),
    Layer(
        "publication",
        "publication",
        "the resolved items and pakketten that every writer reads",
        ("publication", "records"),
    ),
    Layer("loader", "loader.py", "reads and validates content/", ("loader",)),
    Layer("loading", "loading/", "the phases the loader conducts", package="loading"),
    Layer("base", "shared base", "imports nothing above it"),
)
"""Top to bottom; the base holds every top-level module that no other layer names."""


# --------------------------------------------------------------------------- the graph


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def import_graph() -> dict[str, set[str]]:
    """Module → the pakketbuild modules it imports at run time (imports inside functions
    count; imports under ``if TYPE_CHECKING:`` do not)."""
    found = modules()
    graph: dict[str, set[str]] = {name: set() for name in found}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", 0) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name].update(t for t in targets if t in found and t != name)
    return graph


def layer_of(module: str) -> Layer:
    """The layer a module is drawn in."""
    short = module.removeprefix("pakketbuild").removeprefix(".")
    for layer in LAYERS:
        if layer.package is not None and (
            short == layer.package or short.startswith(layer.package + ".")
        ):
            return layer
        if short in layer.modules:
            return layer
    return LAYERS[-1]


def summary(path: Path) -> str:
    """The first sentence of a module's docstring, without reStructuredText markup."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(?:\s|$)", first)
    text = match.group(1) if match else first
    text = text.replace("``", "`")
    return re.sub(r":[a-z]+:`~?([^`<]+?)(?: <[^>]+>)?`", _reference, text)


def _reference(match: re.Match[str]) -> str:
    """``:class:`~pakketbuild.publication.PubItem``` → ```PubItem```."""
    name = match.group(1)
    return f"`{name.rsplit('.', 1)[-1] if name.startswith('pakketbuild') else name}`"


# --------------------------------------------------------------------------- the page


def _file(module: str) -> str:
    """``pakketbuild.writers.pdf`` → ``writers/pdf.py`` (a package: its ``__init__.py``)."""
    path = modules()[module]
    return path.relative_to(PACKAGE).as_posix()


def _node(module: str) -> str:
    """A Mermaid id: ``writers_pdf``."""
    return module.removeprefix("pakketbuild.").replace(".", "_").replace("__", "") or "root"


def _short(module: str, layer: Layer) -> str:
    """The module's file as the picture names it: ``pdf.py`` inside ``writers/``."""
    name = _file(module)
    return name.removeprefix(layer.package + "/") if layer.package is not None else name


def _members(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {layer.id: [] for layer in LAYERS}
    for module in sorted(graph):
        if module != "pakketbuild":  # the package's __init__: its version
            members[layer_of(module).id].append(module)
    return members


def _drawn(graph: dict[str, set[str]], module: str) -> list[str]:
    """The imports of ``module`` that the pictures draw: not those of :data:`LEFT_OUT`,
    and inside a package not those of its ``__init__`` (the writers' registry, …), which
    every module of the package imports."""
    left_out = set(LEFT_OUT)
    package = layer_of(module).package
    if package is not None:
        left_out.add(f"pakketbuild.{package}")
    return sorted(graph[module] - left_out)


def overview(graph: dict[str, set[str]]) -> str:
    """The layers, the modules in each, and which layer imports which."""
    members = _members(graph)
    lines = ["```mermaid", "flowchart TD"]
    for layer in LAYERS:
        names = [_short(m, layer).removesuffix(".py") for m in members[layer.id]]
        rows = [" · ".join(names[i : i + 6]) for i in range(0, len(names), 6)]
        label = "<br/>".join([f"<b>{layer.name}</b> {layer.about}", *rows])
        lines.append(f'    {layer.id}["{label}"]')
    order = {layer.id: n for n, layer in enumerate(LAYERS)}
    between = {
        (layer_of(module).id, layer_of(target).id)
        for module in graph
        for target in _drawn(graph, module)
        if layer_of(target) is not layer_of(module)
    }
    lines += [
        f"    {a} --> {b}" for a, b in sorted(between, key=lambda e: (order[e[0]], order[e[1]]))
    ]
    lines.append("```")
    return "\n".join(lines)


def inside(graph: dict[str, set[str]], layer: Layer) -> str | None:
    """The arrows between the modules of one layer (None when there are none)."""
    members = _members(graph)[layer.id]
    arrows = [
        f"    {_node(module)} --> {_node(target)}"
        for module in members
        for target in _drawn(graph, module)
        if layer_of(target) is layer
    ]
    if not arrows:
        return None
    lines = ["```mermaid", "flowchart LR"]
    lines += [f'    {_node(m)}["{_short(m, layer)}"]' for m in members]
    return "\n".join([*lines, *arrows, "```"])


def layers(graph: dict[str, set[str]]) -> str:
    """A picture of each layer's own arrows, then the table of every module."""
    parts: list[str] = []
    for layer in LAYERS:
        drawing = inside(graph, layer)
        if drawing is None:
            continue
        parts += [f"### Inside {layer.name}", ""]
        if layer.package is not None:
            parts += [
                f"{layer.about[0].upper()}{layer.about[1:]}. The arrows to `__init__.py`, "
                "which the package's modules import, are left out.",
                "",
            ]
        parts += [drawing, ""]
    parts += ["### Every module", "", module_table(graph)]
    return "\n".join(parts)


def module_table(graph: dict[str, set[str]]) -> str:
    """One row per module: its file, its layer, the first sentence of its docstring."""
    rows = ["| module | layer | what it is |", "| --- | --- | --- |"]
    for layer in LAYERS:
        for module in sorted(m for m in graph if layer_of(m) is layer):
            text = summary(modules()[module]).replace("|", "\\|")
            rows.append(f"| `{_file(module)}` | {layer.id} | {text} |")
    return "\n".join(rows)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a layer into a layer above it (the drawing's top-to-bottom rule)."""
    order = {layer.id: n for n, layer in enumerate(LAYERS)}
    return [
        f"{module} imports {target}"
        for module in sorted(graph)
        for target in sorted(graph[module] - {"pakketbuild"})
        if order[layer_of(target).id] < order[layer_of(module).id]
    ]


def _replace(text: str, markers: tuple[str, str], block: str) -> str:
    start, end = markers
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise SystemExit(f"{DOC}: needs one {start} … {end} pair")
    head, rest = text.split(start)
    _, tail = rest.split(end)
    return f"{head}{start}\n{block}\n{end}{tail}"


def page(text: str) -> str:
    """``docs/architecture.md``'s text with the generated parts written anew."""
    graph = import_graph()
    text = _replace(text, PICTURE, overview(graph))
    return _replace(text, LAYERS_BLOCK, layers(graph))


def main(argv: list[str]) -> int:
    if argv == ["--graph"]:
        for module, targets in sorted(import_graph().items()):
            print(module, "->", ", ".join(sorted(targets)))
        return 0
    current = DOC.read_text(encoding="utf-8")
    wanted = page(current)
    if argv == ["--check"]:
        if current != wanted:
            print(f"{DOC} is out of date: run python scripts/architecture.py", file=sys.stderr)
            return 1
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    if current != wanted:
        DOC.write_text(wanted, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
