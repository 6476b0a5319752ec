"""The house rules of docs/architecture.md, checked on the source itself.

* No import cycles between pakketbuild's modules (imports inside functions count; imports
  for type checking only do not).
* No module outside a format's own writer names a download format: the engine, the
  CLI, the links, the API and the feeds read the facts from the registry
  (``writers.FORMATS``).
* Each writer owns its styling: the theme module reads tokens and checks contrast, names
  no format and imports no writer; a format's modules (``writers/<format>.py``,
  ``writers/<format>_*.py``) import no other format's modules.
* Writers read the resolved item (``publication.PubItem``/``PubPakket``), never the
  pydantic input model behind it: no ``<x>.item``/``<x>.pakket`` attribute reads and no
  import of the input records (``Item``, ``Contact``, ``Document``, ``Step`` …). Anchor
  id rules live in ``anchors.py`` only.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from types import ModuleType

from pakketbuild.writers import FORMATS, download_formats

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "pakketbuild"


def _architecture_script() -> ModuleType:
    """``scripts/architecture.py``: the one reader of the import graph, and the map."""
    name = "architecture_script"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "architecture.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ARCHITECTURE = _architecture_script()
_modules: Callable[[], dict[str, Path]] = ARCHITECTURE.modules
import_graph: Callable[[], dict[str, set[str]]] = ARCHITECTURE.import_graph
"""Module → the pakketbuild modules it imports (at run time)."""


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert _cycles(graph) == []


def test_the_map_in_docs_is_drawn_from_the_code() -> None:
    """docs/architecture.md's pictures and module table are what scripts/architecture.py
    draws from the source today (run ``make architecture`` after moving code)."""
    doc = ARCHITECTURE.DOC.read_text(encoding="utf-8")
    assert ARCHITECTURE.page(doc) == doc, "docs/architecture.md is stale: make architecture"


def test_no_layer_imports_a_layer_above_it() -> None:
    assert ARCHITECTURE.upward_imports(import_graph()) == []


def test_the_map_checks_can_fail() -> None:
    """A stale picture is noticed, an upward import is reported, and a module of the base
    that imports the loader is one (so a new top-level module must be placed)."""
    doc = ARCHITECTURE.DOC.read_text(encoding="utf-8")
    stale = doc.replace("writers_pdf --> writers_pdf_layout", "writers_pdf --> writers_fetcher")
    assert stale != doc and ARCHITECTURE.page(stale) == doc
    graph = import_graph()
    graph["pakketbuild.labels"] = {"pakketbuild.loader"}
    graph["pakketbuild.loader"] = set(graph["pakketbuild.loader"]) | {"pakketbuild.build"}
    assert ARCHITECTURE.upward_imports(graph) == [
        "pakketbuild.labels imports pakketbuild.loader",
        "pakketbuild.loader imports pakketbuild.build",
    ]


def test_every_module_is_on_the_map() -> None:
    """The generated table names every module, with the first sentence of its docstring."""
    table = ARCHITECTURE.module_table(import_graph())
    for name, path in _modules().items():
        assert f"| `{path.relative_to(PACKAGE).as_posix()}` |" in table, name
    assert "| `writers/pdf_layout.py` | writers | Laying out and writing the PDF" in table


def test_the_graph_is_read_from_real_imports() -> None:
    graph = import_graph()
    assert "pakketbuild.engine.plan" in graph["pakketbuild.build"] or any(
        "pakketbuild.engine" in target for target in graph["pakketbuild.build"]
    )
    assert "pakketbuild.writers.feeds" in graph["pakketbuild.writers.atom"]
    assert "pakketbuild.writers.jsonfeed" not in graph["pakketbuild.writers.atom"]


OWN_MODULES = {
    "pakketbuild.writers": "the registry (writers/__init__.py)",
}
CONTENT_FIELDS = {
    "pakketbuild.theme": {"LOGO_RASTER_FIELD"},
}
"""Constants whose value happens to be a format's name but is the name of a field in the
content (the theme file's logo entry ``docx``: a PNG copy of an SVG logo); only the one
assignment is allowed, every use goes through the constant."""


def _names_format(path: Path, names: set[str], fields: Collection[str] = ()) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and ast.unparse(node.targets[0]) in fields
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in names
        and id(node) not in allowed
    ]


def test_only_a_formats_own_modules_name_it() -> None:
    offenders: dict[str, list[int]] = {}
    for fmt in download_formats():
        for name, path in _modules().items():
            own = name == f"pakketbuild.writers.{fmt.name}" or name.startswith(
                f"pakketbuild.writers.{fmt.name}_"
            )
            if own or name in OWN_MODULES:
                continue
            lines = _names_format(path, {fmt.name}, CONTENT_FIELDS.get(name, set()))
            if lines:
                offenders[f"{name} names '{fmt.name}'"] = lines
    assert offenders == {}


def _format_of(module: str) -> str | None:
    """The format whose writer ``module`` belongs to (``writers.<name>`` or
    ``writers.<name>_*``), else None."""
    for name in FORMATS:
        own = f"pakketbuild.writers.{name}"
        if module == own or module.startswith(own + "_"):
            return name
    return None


def test_the_theme_names_no_format_and_writes_none() -> None:
    path = _modules()["pakketbuild.theme"]
    assert _names_format(path, set(FORMATS), CONTENT_FIELDS["pakketbuild.theme"]) == []
    assert not {
        m for m in import_graph()["pakketbuild.theme"] if m.startswith("pakketbuild.writers")
    }


def test_the_content_field_exception_is_real() -> None:
    """Without the exception the theme's logo field would count as naming a format (so
    the exception above is needed, and the check can fail)."""
    assert _names_format(_modules()["pakketbuild.theme"], set(FORMATS)) != []


def test_a_formats_modules_import_no_other_format() -> None:
    crossing = {
        (name, target)
        for name, targets in import_graph().items()
        if (own := _format_of(name)) is not None
        for target in targets
        if _format_of(target) not in (None, own)
    }
    assert crossing == set()


def test_each_writer_styles_itself_from_the_theme() -> None:
    """The styling from the theme lives beside each writer that uses it."""
    graph = import_graph()
    for fmt, style in (("html", "html_style"), ("pdf", "pdf_style"), ("docx", "docx_style")):
        assert f"pakketbuild.writers.{style}" in graph[f"pakketbuild.writers.{fmt}"]


def test_the_registry_lists_every_writer_module() -> None:
    for fmt in FORMATS.values():
        module = fmt.writer.split(":")[0]
        assert module in _modules(), fmt


WRITERS = PACKAGE / "writers"
INPUT_RECORDS = {"Item", "Contact", "Document", "Step", "Change", "Edition"}
"""Records of the input model that only ``publication.py`` resolves for the writers
(``Pakket``/``Organisation`` may be *built* by a writer: a view's combined document is a
pakket of its own, see ``documents.view_bundle``)."""


def _writer_modules() -> dict[str, Path]:
    return {name: path for name, path in _modules().items() if path.is_relative_to(WRITERS)}


def input_model_reads(source: str) -> list[str]:
    """Where ``source`` reads the input model behind a resolved item or pakket: an
    attribute ``.item`` or ``.pakket`` that is not called (``jobkeys.item(…)`` and a
    builder's ``.item(…)`` method are calls), and imports of :data:`INPUT_RECORDS`."""
    tree = ast.parse(source)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    found = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("item", "pakket")
        and id(node) not in called
    ]
    found += [
        f"line {node.lineno}: imports {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "pakketbuild.model"
        for alias in node.names
        if alias.name in INPUT_RECORDS
    ]
    return found


def test_writers_read_the_resolved_item_only() -> None:
    offenders = {
        name: reads
        for name, path in _writer_modules().items()
        if (reads := input_model_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_input_model_check_can_fail() -> None:
    """The check sees the reads the writers used to make."""
    assert input_model_reads("x = pub.item.summary") == ["line 1: pub.item"]
    assert input_model_reads("data = item.item") == ["line 1: item.item"]
    assert input_model_reads("y = p.pakket.edition") == ["line 1: p.pakket"]
    assert input_model_reads("from pakketbuild.model import Contact") == ["line 1: imports Contact"]
    assert input_model_reads("jobkeys.item(i.id); builder.pakket(p)") == []


def test_anchor_rules_live_in_anchors_only() -> None:
    """The id prefixes of ``anchors.py`` are not spelled out anywhere else."""
    rules = ("stap-", "inleiding--", "item-{")
    offenders = {
        name: [rule for rule in rules if rule in path.read_text(encoding="utf-8")]
        for name, path in _modules().items()
        if name != "pakketbuild.anchors"
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_feed_extension_is_derived_from_the_item_document() -> None:
    """A member declared on ``ItemDoc`` is in the feed extension too, with its type (the
    members left out and the extension's own are named in ``api_models``)."""
    from pakketbuild.writers import api_models as api

    item_members = set(api.ItemDoc.model_fields)
    extension = api.FeedExtension.model_fields
    own = {"about", "pakketten", "api"}
    assert set(extension) == (item_members - api.FEED_EXTENSION_LEFT_OUT) | own
    for name in set(extension) - own:
        assert extension[name].annotation == api.ItemDoc.model_fields[name].annotation, name


OUTLINE_RENDERERS = ("html", "pdf", "docx", "odt")
"""The writers of pages and documents: they render an outline
(``writers/outline.py``) and read no item's facts themselves."""
ITEM_FACTS = frozenset(
    {
        "providers", "providers_text", "contacts", "steps", "related", "audiences",
        "audiences_text", "audience_labels", "kind_label",
    }
)  # fmt: skip
"""What an item shows that the outline decides (its labels, order and anchors)."""
TEMPLATES = PACKAGE / "templates"


def fact_reads(source: str) -> list[str]:
    """Attribute reads of :data:`ITEM_FACTS` in Python ``source``."""
    return [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in ITEM_FACTS
    ]


def template_fact_reads(source: str) -> list[str]:
    """The same in a Jinja template: ``x.providers``, ``x.kind_label`` …"""
    import re

    pattern = re.compile(r"\.(" + "|".join(sorted(ITEM_FACTS)) + r")\b")
    return [
        f"line {number}: {match.group(0)}"
        for number, line in enumerate(source.splitlines(), start=1)
        for match in pattern.finditer(line)
    ]


def test_pages_and_documents_show_item_facts_only_through_the_outline() -> None:
    modules = _modules()
    offenders = {
        name: reads
        for fmt in OUTLINE_RENDERERS
        for name in (f"pakketbuild.writers.{fmt}",)
        if (reads := fact_reads(modules[name].read_text(encoding="utf-8")))
    }
    offenders |= {
        str(path.relative_to(PACKAGE)): reads
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (reads := template_fact_reads(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def _string_literals(tree: ast.Module) -> list[ast.Constant]:
    """The string constants of a module, leaving out docstrings."""
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_did_you_mean_hint_is_worded_once() -> None:
    """Every "did you mean …?" comes from ``suggest.did_you_mean``: no other module spells
    the hint in a string (docstrings aside)."""
    found = {
        name: lines
        for name, path in _modules().items()
        if (
            lines := [
                node.lineno
                for node in _string_literals(ast.parse(path.read_text(encoding="utf-8")))
                if "did you mean" in node.value
            ]
        )
    }
    assert list(found) == ["pakketbuild.suggest"] and len(found["pakketbuild.suggest"]) == 1


MEDIA_TYPE = re.compile(
    r"^(?:Content-Type: )?(?:text|application|image|font|audio|video)/[a-z0-9][a-z0-9.+-]*"
    r"(?:; ?charset=[a-z0-9-]+)?$"
)
PACKAGE_PART_TYPES = {
    "pakketbuild.writers.docx": {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    },
    "pakketbuild.writers.docx_package": {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    },
    "pakketbuild.writers.odt": {"text/xml"},
    "pakketbuild.writers.odt_fonts": {"application/x-font-ttf", "application/x-font-otf"},
}
"""Content types of the parts inside a Word package (``[Content_Types].xml``) and an ODF
package (``META-INF/manifest.xml``): the writer's own business, not types of files
pakketbuild writes or names."""


def media_type_literals(source: str, allowed: Collection[str] = ()) -> list[str]:
    """The strings in ``source`` that are a media type (or a ``Content-Type`` header)."""
    return [
        f"line {node.lineno}: {node.value}"
        for node in _string_literals(ast.parse(source))
        if MEDIA_TYPE.match(node.value) and node.value not in allowed
    ]


def test_media_types_are_named_in_one_table() -> None:
    """Every media type is spelled in ``mediatypes.py``; the registry, the URL contract,
    the API, the feeds, the theme, the host headers and ``serve`` use its constants."""
    offenders = {
        name: found
        for name, path in _modules().items()
        if name != "pakketbuild.mediatypes"
        and (
            found := media_type_literals(
                path.read_text(encoding="utf-8"), PACKAGE_PART_TYPES.get(name, set())
            )
        )
    }
    assert offenders == {}


def test_the_outline_check_can_fail() -> None:
    """The check sees the reads the writers used to make before the outline."""
    assert fact_reads("label = item.kind_label") == ["line 1: item.kind_label"]
    assert fact_reads("for c in item.contacts: pass") == ["line 1: item.contacts"]
    assert template_fact_reads("{{ v.providers }}") == ["line 1: .providers"]
    assert template_fact_reads("{{ item.audiences_text }} {{ b.entries }}") == [
        "line 1: .audiences_text"
    ]


def test_every_outline_block_has_a_rule_in_every_renderer() -> None:
    """Each Python renderer has a ``visit_<kind>`` for every block kind the document
    outline makes, and each template set a macro in its rule table (a block without a
    rule would fail when the first document shows one)."""
    from pakketbuild.writers import outline
    from pakketbuild.writers.docx import _Builder as DocxBuilder
    from pakketbuild.writers.odt import _Builder as OdtBuilder

    document_kinds = {"cover", "contents", "section", "facts", "lead", "body", "steps",
                      "contacts", "links", "colophon"}  # fmt: skip
    web_kinds = document_kinds - {"cover", "colophon"} | {"downloads", "changes", "page_link"}
    kinds = {
        cls.kind for cls in vars(outline).values()
        if isinstance(cls, type) and issubclass(cls, outline.Block) and cls is not outline.Block
    }  # fmt: skip
    assert document_kinds | web_kinds == kinds
    for builder in (DocxBuilder, OdtBuilder):
        assert {k for k in document_kinds if not hasattr(builder, f"visit_{k}")} == set()
    for folder, wanted in (("pdf", document_kinds), ("html", web_kinds)):
        rules = next(TEMPLATES.joinpath(folder).glob("_*.html")).read_text(encoding="utf-8")
        table = rules[rules.index("set rules") :]
        assert {k for k in wanted if f'"{k}": ' not in table} == set(), folder


def test_the_media_type_check_can_fail() -> None:
    assert media_type_literals('T = "application/pdf"') == ["line 1: application/pdf"]
    assert media_type_literals('h = ("Content-Type: application/feed+json; charset=utf-8",)')
    assert media_type_literals('d = "a media type, such as application/pdf"') == []


def private_imports(source: str, module: str) -> list[str]:
    """Names starting with ``_`` that ``source`` (the module ``module``) imports from
    another pakketbuild module; gettext's ``_`` and dunders (``__version__``) are public."""
    return [
        f"line {node.lineno}: {node.module}.{alias.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("pakketbuild")
        and node.module != module
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "_" and not alias.name.endswith("__")
    ]


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = {
        name: found
        for name, path in _modules().items()
        if (found := private_imports(path.read_text(encoding="utf-8"), name))
    }
    assert offenders == {}


def test_the_private_import_check_can_fail() -> None:
    source = "def f():\n    from pakketbuild.publication import _theme\n"
    assert private_imports(source, "pakketbuild.cms.admin") == [
        "line 2: pakketbuild.publication._theme"
    ]
    assert private_imports("from pakketbuild.i18n import _, N_", "pakketbuild.cli") == []
