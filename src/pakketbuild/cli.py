"""Command-line interface: a thin layer over the library (``main(argv) -> int``).

Exit codes: 0 success; 1 content problems (or warnings under ``--strict``), or a failed
build; 2 usage or internal errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pakketbuild import __version__
from pakketbuild.diagnostics import (
    ContentError,
    Diagnostic,
    PakketbuildError,
    Severity,
    UsageError,
    format_diagnostics,
)
from pakketbuild.processes import cores
from pakketbuild.writers import FORMATS

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
    _add_today(check)

    schema = sub.add_parser("schema", help="write the JSON Schemas of the content files")
    schema.add_argument("--out", type=Path, default=Path("schema"), metavar="DIR")

    build = sub.add_parser("build", help="compile content into exports/")
    build.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    build.add_argument("--out", type=Path, default=Path("exports"), metavar="DIR")
    build.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"comma-separated formats to build (default: {','.join(FORMATS)})",
    )
    for fmt in FORMATS.values():  # a format's extra input file (Format.option)
        if fmt.option is not None:
            build.add_argument(
                "--" + fmt.option.replace("_", "-"),
                type=Path,
                metavar="FILE",
                default=None,
                help=fmt.option_help,
            )
    build.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes for PDF and DOCX (default: the number of cores; 1 = no pool)",
    )
    build.add_argument(
        "--force", action="store_true", help="render everything again, ignoring the cache"
    )
    build.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="cache folder (default: .pakketbuild-cache/ beside the content folder)",
    )
    noise = build.add_mutually_exclusive_group()
    noise.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    noise.add_argument("--verbose", "-v", action="store_true", help="list every file")

    serve = sub.add_parser("serve", help="preview the site locally; rebuilds on every save")
    serve.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, metavar="N", help="port (default 8000; 0 = any free)"
    )
    serve.add_argument(
        "--formats", default="html,json", help="formats to build (default: html,json)"
    )

    new = sub.add_parser("new", help="create a new item or pakket file with every field")
    kinds = new.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser, required=True)
    new_item = kinds.add_parser("item", help="create content/items/<id>.md")
    new_item.add_argument("id", help="the new id: lower-case letters, digits and hyphens")
    new_item.add_argument(
        "--kind",
        default="other",
        metavar="K",
        help="support-line, norm, scan, training, step-plan, protection-system, advice-desk "
        "or other (default: other)",
    )
    new_item.add_argument("--title", default=None, help="title (default: made from the id)")
    new_item.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    new_pakket = kinds.add_parser("pakket", help="create content/pakketten/<id>.md")
    new_pakket.add_argument("id", help="the new id: lower-case letters, digits and hyphens")
    new_pakket.add_argument(
        "--items", required=True, metavar="ID[,ID…]", help="existing items, in order"
    )
    new_pakket.add_argument(
        "--publisher", default=None, metavar="ID", help="organisation id (default: site.yaml's)"
    )
    new_pakket.add_argument("--title", default=None, help="title (default: made from the id)")
    new_pakket.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")

    status = sub.add_parser("status", help="editorial overview: statuses and reviews due")
    status.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    status.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    _add_today(status)

    diff = sub.add_parser(
        "diff", help="release notes (Markdown) of the content changes between git revisions"
    )
    diff.add_argument("rev", metavar="REV", help="the earlier revision (commit, branch, tag)")
    diff.add_argument(
        "rev2", metavar="REV2", nargs="?", default=None, help="the later one (default: the files"
        " on disk)"
    )  # fmt: skip
    diff.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")
    return parser


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="reference date for review dates (default: today)",
    )


def _date(text: str) -> dt.date:
    from pakketbuild.freshness import parse_date

    try:
        return parse_date(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _today(args: argparse.Namespace) -> dt.date:
    value: dt.date | None = args.today
    return value if value is not None else dt.date.today()


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
        if args.command == "serve":
            return _serve(args)
        if args.command == "new":
            return _new(args)
        if args.command == "status":
            return _status(args)
        if args.command == "diff":
            return _diff(args)
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
    from pakketbuild.freshness import freshness_diagnostics
    from pakketbuild.loader import load_content

    try:
        content = load_content(args.content, processes=cores())
    except ContentError as exc:
        diagnostics = exc.diagnostics
    else:
        diagnostics = sorted([*content.warnings, *freshness_diagnostics(content, _today(args))])
    if args.strict:  # warnings become errors, in the report as well as in the exit code
        diagnostics = [replace(d, severity=Severity.ERROR) for d in diagnostics]
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
        content=args.content,
        out=args.out,
        formats=formats,
        **{f.option: getattr(args, f.option) for f in FORMATS.values() if f.option},
        jobs=args.jobs,
        force=args.force,
        cache_dir=args.cache_dir,
        verbosity="quiet" if args.quiet else "verbose" if args.verbose else "normal",
    )
    result = build(options)
    if not args.quiet:
        print(result.summary(), file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from pakketbuild.serve import ServeOptions, serve

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    options = ServeOptions(content=args.content, host=args.host, port=args.port, formats=formats)
    return serve(options)


def _new(args: argparse.Namespace) -> int:
    from pakketbuild.scaffold import new_item, new_pakket

    if args.what == "item":
        path = new_item(args.content, args.id, kind=args.kind, title=args.title)
    else:
        items = [i.strip() for i in args.items.split(",") if i.strip()]
        path = new_pakket(
            args.content, args.id, items=items, publisher=args.publisher, title=args.title
        )
    print(path)
    print(
        f"created {path} with status 'concept'; fill in the fields, then run 'pakketbuild check'",
        file=sys.stderr,
    )
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from pakketbuild.loader import load_content
    from pakketbuild.status import as_json, as_markdown, overview, print_table

    try:
        content = load_content(args.content)
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics, "text")
        print("status needs valid content; fix these problems first.", file=sys.stderr)
        return EXIT_CONTENT
    view = overview(content, _today(args))
    if args.format == "json":
        print(json.dumps(as_json(view), ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        print(as_markdown(view))
    else:
        print_table(view)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from pakketbuild.diff import RevisionError, diff_revisions

    try:
        notes = diff_revisions(args.content, args.rev, args.rev2)
    except RevisionError as exc:
        _print_diagnostics(exc.diagnostics, "text")
        print(
            f"the content at {exc.revision.label} has {len(exc.diagnostics)} problem(s); "
            "diff needs valid content at both revisions.",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    sys.stdout.write(notes)
    return EXIT_OK
