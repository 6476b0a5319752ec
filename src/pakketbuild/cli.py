"""Command-line interface: a thin layer over the library (``main(argv) -> int``).

Exit codes: 0 success; 1 content problems (or warnings under ``--strict``), or a failed
build; 2 usage or internal errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from pakketbuild import __version__
from pakketbuild.diagnostics import (
    ContentError,
    Diagnostic,
    PakketbuildError,
    UsageError,
    format_diagnostics,
)

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pakketbuild", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--version", action="version", version=f"pakketbuild {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="validate the content and report every problem")
    check.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    check.add_argument("--format", choices=["text", "github", "json"], default="text")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    schema = sub.add_parser("schema", help="write the JSON Schemas of the content files")
    schema.add_argument("--out", type=Path, default=Path("schema"), metavar="DIR")

    build = sub.add_parser("build", help="compile content into exports/")
    build.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    build.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR")
    build.add_argument(
        "--formats",
        default="html,json,pdf,docx",
        help="comma-separated formats to build (default: html,json,pdf,docx)",
    )
    build.add_argument(
        "--docx-template",
        type=Path,
        metavar="FILE",
        default=None,
        help="a .docx whose styles the Word documents use",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(args_list)
        if args.command is None:
            _parser().print_help()
            return EXIT_USAGE
        if args.command == "check":
            return _check(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "build":
            return _build(args)
        raise UsageError(f"unknown command {args.command}")  # pragma: no cover
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics, "text")
        print(f"{len(exc.diagnostics)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    except PakketbuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted; exports/ was left as it was.", file=sys.stderr)
        return 130
    except Exception:  # a bug, not a content problem
        print("internal error in pakketbuild (this is a bug; please report it):", file=sys.stderr)
        traceback.print_exc()
        return EXIT_USAGE


def _print_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    text = format_diagnostics(diagnostics, fmt)
    if text:
        print(text, file=sys.stderr if fmt == "text" else sys.stdout)


def _check(args: argparse.Namespace) -> int:
    from pakketbuild.loader import load_content

    try:
        content = load_content(args.content)
    except ContentError as exc:
        diagnostics = exc.diagnostics
    else:
        diagnostics = content.warnings
    errors = [d for d in diagnostics if d.severity == "error"]
    if args.format == "json":
        print(json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        _print_diagnostics(diagnostics, args.format)
    failed = bool(errors) or (args.strict and bool(diagnostics))
    if args.format == "text":
        summary = f"{len(errors)} error(s), {len(diagnostics) - len(errors)} warning(s)"
        print(("check failed: " if failed else "check passed: ") + summary, file=sys.stderr)
    return EXIT_CONTENT if failed else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from pakketbuild.schema import write_schemas

    for path in write_schemas(args.out):
        print(path)
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from pakketbuild.build import BuildOptions, build

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    options = BuildOptions(
        content=args.content, out=args.out, formats=formats, docx_template=args.docx_template
    )
    result = build(options)
    print(result.summary(), file=sys.stderr)
    return EXIT_OK
