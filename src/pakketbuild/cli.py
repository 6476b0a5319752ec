"""Command-line interface over the library (``main(argv) -> int``).

Exit codes: 0 success; 1 bad input of any kind (content problems, warnings under
``--strict``, a wrong option or argument, a missing file) or a failed build; 2 only for an
internal error (a bug in pakketbuild).

Why one module: the argparse parser (every command and option with its Dutch help, about
a third of the file) and one thin function per command that calls the library; no logic
of its own, so a reader finds every command's surface in one place.
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

from pakketbuild.diagnostics import (
    ContentError,
    Diagnostic,
    PakketbuildError,
    Severity,
    UsageError,
    format_diagnostics,
)
from pakketbuild.i18n import LANGUAGES, _, machine_failure, ngettext, set_language
from pakketbuild.processes import cores
from pakketbuild.provenance import version_text
from pakketbuild.writers import FORMATS, download_formats

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 1, 2


class _VersionAction(argparse.Action):
    """``--version``: the versions of pakketbuild and its libraries, one per line, and of
    the outside programs the writers run (LibreOffice, when it is installed), looked up
    only when asked for (not on every start of every command)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from pakketbuild.writers import FORMATS, tool_states

        tools = {s.name: s.label for s in tool_states(list(FORMATS)).values() if s.label}
        print("\n".join([version_text(), *(f"{name} {label}" for name, label in tools.items())]))
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar=_("FOLDER"),
        help=_("the content folder (default: content)"),
    )


def _lang_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=_("language of the messages: nl (default) or en"),
    )


KINDS = (
    "support-line", "norm", "scan", "training", "step-plan", "protection-system",
    "advice-desk", "other",
)  # fmt: skip
"""The item kinds, for the help of ``new item`` (a test keeps them equal to
:class:`pakketbuild.model.Kind`; importing the model here would make every command,
a no-op build too, pay for pydantic)."""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pakketbuild",
        description=_("Check, preview and build the Veiligheidspakket from the texts in content/."),
        epilog=_("More help: docs/redactie.md. Help for one command: pakketbuild COMMAND --help"),
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help=_("show program's version number and exit"),
    )
    _lang_option(parser, None)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        made = sub.add_parser(name, help=help, description=help)
        _lang_option(made, argparse.SUPPRESS)
        return made

    check = command("check", _("check the texts and report every problem"))
    _content_option(check)
    check.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="text",
        help=_("text (default), github (for GitHub Actions) or json"),
    )
    check.add_argument("--strict", action="store_true", help=_("treat warnings as errors"))
    _add_today(check)

    schema = command("schema", _("write the JSON Schemas of the content files (developers)"))
    schema.add_argument("--out", type=Path, default=Path("schema"), metavar=_("FOLDER"))

    build = command(
        "build", _("make the site, the feeds and the PDF, Word and ODT files in exports/")
    )
    build.epilog = _(
        "The environment variable SOURCE_DATE_EPOCH (seconds since 1970, the time of the "
        "last commit: $(git log -1 --format=%ct)) gives the date on the covers of the "
        "documents whose content names no date; without it they show none."
    )
    _content_option(build)
    build.add_argument(
        "--out",
        type=Path,
        default=Path("exports"),
        metavar=_("FOLDER"),
        help=_("where the result goes (default: exports)"),
    )
    build.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=_("which formats to make, separated by commas (default: html,json,pdf,docx,odt)"),
    )
    for fmt in FORMATS.values():  # a format's extra input file (Format.option)
        if fmt.option is not None:
            build.add_argument(
                "--" + fmt.option.replace("_", "-"),
                type=Path,
                metavar=_("FILE"),
                default=None,
                help=_(fmt.option_help),
            )
    build.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help=_("how many documents (PDF, Word, ODT) to make at once (default: one per processor)"),
    )
    build.add_argument(
        "--force", action="store_true", help=_("make everything again, also what did not change")
    )
    build.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar=_("FOLDER"),
        help=_("folder for work kept between builds (default: .pakketbuild-cache/)"),
    )
    build.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help=_(
            "where exports/ will be published, for absolute links (default: "
            "$PAKKETBUILD_BASE_URL, else base_url in site.yaml)"
        ),
    )
    noise = build.add_mutually_exclusive_group()
    noise.add_argument("--quiet", "-q", action="store_true", help=_("show errors only"))
    noise.add_argument("--verbose", "-v", action="store_true", help=_("list every file"))

    serve = command("serve", _("show the site on this computer; updates when you save"))
    _content_option(serve)
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help=_("address to listen on (default 127.0.0.1: this computer only)"),
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        metavar="N",
        help=_("port number (default 8000; 0 = any free port)"),
    )
    serve.add_argument(
        "--formats",
        default="html,json",
        help=_("formats to make (default: html,json; --documenten adds pdf and docx)"),
    )
    serve.add_argument(
        "--documenten",
        action="store_true",
        help=_("also make the PDF and Word files, so the download links in the preview work"),
    )

    cms = command("cms", _("write admin/: the browser editor (Decap CMS) for content/"))
    _content_option(cms)
    cms.add_argument(
        "--out",
        type=Path,
        default=Path("exports/admin"),
        metavar=_("FOLDER"),
        help=_(
            "folder to write (default: exports/admin; run after 'build', which replaces exports/)"
        ),
    )

    new = command("new", _("make a new item or pakket file with every field"))
    kinds = new.add_subparsers(dest="what", metavar=_("WHAT"), parser_class=_Parser, required=True)
    new_item = kinds.add_parser("item", help=_("make content/items/<id>.md"))
    _lang_option(new_item, argparse.SUPPRESS)
    id_help = _(
        "the new id: lower-case letters, digits and hyphens, such as woningscan "
        '(a title such as "Nieuw onderdeel" is turned into one)'
    )
    new_item.add_argument("id", help=id_help)
    new_item.add_argument(
        "--kind",
        default="other",
        metavar=_("KIND"),
        help=_("one of: {kinds} (default: other)").format(kinds=", ".join(KINDS)),
    )
    title_help = _("the title (default: made from the id)")
    new_item.add_argument("--title", default=None, help=title_help)
    _content_option(new_item)
    new_pakket = kinds.add_parser("pakket", help=_("make content/pakketten/<id>.md"))
    _lang_option(new_pakket, argparse.SUPPRESS)
    new_pakket.add_argument("id", help=id_help)
    new_pakket.add_argument(
        "--items",
        required=True,
        metavar="ID[,ID…]",
        help=_("the ids of existing items, in order, separated by commas"),
    )
    new_pakket.add_argument(
        "--publisher",
        default=None,
        metavar="ID",
        help=_("id of the publishing organisation (default: the one in site.yaml)"),
    )
    new_pakket.add_argument("--title", default=None, help=title_help)
    _content_option(new_pakket)

    status = command("status", _("overview for the editors: statuses and reviews due"))
    _content_option(status)
    status.add_argument(
        "--format",
        choices=["table", "json", "markdown"],
        default="table",
        help=_("table (default), json or markdown"),
    )
    _add_today(status)

    diff = command("diff", _("list the changes in the texts between two versions (git)"))
    diff.add_argument("rev", metavar="REV", help=_("the earlier version (commit, branch or tag)"))
    diff.add_argument(
        "rev2",
        metavar="REV2",
        nargs="?",
        default=None,
        help=_("the later version (default: the files as they are now)"),
    )
    _content_option(diff)
    return parser


def _add_today(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--today",
        type=_date,
        default=None,
        metavar=_("YYYY-MM-DD"),
        help=_("the date to compare review dates with (default: today)"),
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


def _requested_language(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` anywhere on the command line (read before the help texts
    are made, so they are in that language too)."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    set_language(_requested_language(args_list))
    args: argparse.Namespace | None = None
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
        if args.command == "cms":
            return _cms(args)
        if args.command == "status":
            return _status(args)
        if args.command == "diff":
            return _diff(args)
        raise UsageError(f"unknown command {args.command}")  # pragma: no cover
    except UsageError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_USAGE
    except ContentError as exc:
        if _no_content(exc.diagnostics):
            return EXIT_CONTENT
        _print_diagnostics(exc.diagnostics, "text")
        print(
            ngettext(
                "{count} problem found; nothing was written.",
                "{count} problems found; nothing was written.",
                len(exc.diagnostics),
            ).format(count=len(exc.diagnostics)),
            file=sys.stderr,
        )
        return EXIT_CONTENT
    except PakketbuildError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print(_("interrupted; exports/ was left as it was."), file=sys.stderr)
        return 130
    except OSError as exc:  # the machine, not the content: a full disk, no permission
        out = getattr(args, "out", None) if getattr(args, "command", "") == "build" else None
        message = machine_failure(exc, where=out, out=out)
        print(_("error: {message}").format(message=message), file=sys.stderr)
        return EXIT_CONTENT
    except Exception:  # a bug, not a content problem
        print(
            _("internal error in pakketbuild (this is a bug; please report it):"),
            file=sys.stderr,
        )
        traceback.print_exc()
        return EXIT_BUG


def _no_content(diagnostics: Sequence[Diagnostic]) -> bool:
    """Say in one line that the content folder is missing or unreadable (no file:line:col
    and no count: there is nothing else to report); True when that was the problem."""
    if len(diagnostics) != 1 or diagnostics[0].code != "no-content":
        return False
    where = diagnostics[0]
    print(_("error: {message}").format(message=f"{where.path}: {where.message}"), file=sys.stderr)
    return True


def _print_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    text = format_diagnostics(diagnostics, fmt)
    if text:
        print(text, file=sys.stderr if fmt == "text" else sys.stdout)


def _check(args: argparse.Namespace) -> int:
    from pakketbuild import sourcedate
    from pakketbuild.baseurl import from_environment, publishing_diagnostics
    from pakketbuild.freshness import freshness_diagnostics
    from pakketbuild.loader import load_content

    from_environment(None)  # a malformed PAKKETBUILD_BASE_URL is an error here too
    sourcedate.from_environment()  # and so is a malformed SOURCE_DATE_EPOCH

    try:
        content = load_content(args.content, processes=cores())
    except ContentError as exc:
        diagnostics = exc.diagnostics
    else:
        site = content.sources.get("site")
        publishing = publishing_diagnostics(
            content.site.base_url, site.display if site is not None else "site.yaml"
        )
        diagnostics = sorted(
            [*content.warnings, *freshness_diagnostics(content, _today(args)), *publishing]
        )
    if args.strict:  # warnings become errors, in the report as well as in the exit code;
        # notices stay notices (the review policy's way of saying "not yet a problem")
        diagnostics = [
            replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diagnostics
        ]
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    notices = len(diagnostics) - len(errors) - len(warnings)
    if args.format == "json":
        print(json.dumps([d.as_json() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        _print_diagnostics(diagnostics, args.format)
    failed = bool(errors) or (args.strict and bool(warnings))
    if args.format == "text":
        summary = _("{errors}, {warnings}").format(
            errors=ngettext("{n} error", "{n} errors", len(errors)).format(n=len(errors)),
            warnings=ngettext("{n} warning", "{n} warnings", len(warnings)).format(n=len(warnings)),
        )
        if notices:
            summary += ", " + ngettext("{n} notice", "{n} notices", notices).format(n=notices)
        line = _("check failed: {summary}") if failed else _("check passed: {summary}")
        print(line.format(summary=summary), file=sys.stderr)
    return EXIT_CONTENT if failed else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from pakketbuild.schema import write_schemas

    for path in write_schemas(args.out):
        print(path)
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from pakketbuild import sourcedate
    from pakketbuild.baseurl import from_environment
    from pakketbuild.build import BuildOptions, build

    base_url = from_environment(args.base_url)
    source_date_epoch = sourcedate.from_environment()  # read once, for the whole build
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    options = BuildOptions(
        content=args.content,
        out=args.out,
        formats=formats,
        **{f.option: getattr(args, f.option) for f in FORMATS.values() if f.option},
        jobs=args.jobs,
        force=args.force,
        cache_dir=args.cache_dir,
        base_url=base_url,
        source_date_epoch=source_date_epoch,
        verbosity="quiet" if args.quiet else "verbose" if args.verbose else "normal",
    )
    result = build(options)
    if not args.quiet:
        print(result.summary(), file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from pakketbuild.serve import ServeOptions, serve

    formats = serve_formats(args.formats, documents=args.documenten)
    options = ServeOptions(content=args.content, host=args.host, port=args.port, formats=formats)
    return serve(options)


def serve_formats(text: str, *, documents: bool) -> list[str]:
    """The formats ``serve`` builds: those of ``--formats``, plus every document format
    there is (PDF, Word and, where its writer exists, ODT) with ``--documenten``."""
    formats = [f.strip() for f in text.split(",") if f.strip()]
    if documents:  # the download formats, in registry order
        formats += [f.name for f in download_formats() if f.name not in formats]
    return formats


def _cms(args: argparse.Namespace) -> int:
    from pakketbuild.cms.admin import write_admin

    written = write_admin(args.content, args.out)
    print(
        _("wrote {count} files to {folder}").format(count=len(written), folder=args.out),
        file=sys.stderr,
    )
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from pakketbuild.scaffold import id_and_title, new_item, new_pakket

    new_id, title = id_and_title(args.id, args.title)
    if args.what == "item":
        path = new_item(args.content, new_id, kind=args.kind, title=title)
    else:
        items = [i.strip() for i in args.items.split(",") if i.strip()]
        path = new_pakket(args.content, new_id, items=items, publisher=args.publisher, title=title)
    if new_id != args.id:
        print(
            _(
                "'{text}' is not an id, so the id is '{id}' (the file name and the web address)"
            ).format(text=args.id, id=new_id),
            file=sys.stderr,
        )
    print(path)
    print(
        _(
            "made {path} with status 'concept'; fill in the fields, replace the example "
            "texts, then run 'make check' (or 'pakketbuild check')"
        ).format(path=path),
        file=sys.stderr,
    )
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from pakketbuild.loader import load_content
    from pakketbuild.status import as_json, as_markdown, overview, print_table

    try:
        content = load_content(args.content)
    except ContentError as exc:
        if _no_content(exc.diagnostics):
            return EXIT_CONTENT
        _print_diagnostics(exc.diagnostics, "text")
        print(_("status needs valid content; fix these problems first."), file=sys.stderr)
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
            _(
                "the content at {revision} has {count} problem(s); "
                "diff needs valid content at both versions."
            ).format(revision=exc.revision.label, count=len(exc.diagnostics)),
            file=sys.stderr,
        )
        return EXIT_CONTENT
    sys.stdout.write(notes)
    return EXIT_OK
