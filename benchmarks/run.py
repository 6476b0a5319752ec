"""Measure pakketbuild against what a team would otherwise script, and write
``docs/benchmarks.md``.

    python benchmarks/run.py [--sizes real,edition,100,1000,1000v,10000] [--repeat 3]
                             [--out docs/benchmarks.md] [--results benchmarks/results.json]
    python benchmarks/run.py --report-only     # the report again from results.json

Every number is a whole process (start-up and imports included), timed from outside;
peak memory is the largest resident set of any process of the run (the build or one of
its workers), from ``getrusage(RUSAGE_CHILDREN)`` of a wrapper process. Each figure is
the median of ``--repeat`` runs (runs that take longer than 20 s are done once).

Scenarios, per corpus (the real content with its audience views; the same content without
its views, i.e. only the full edition, which is what pandoc makes; and synthetic content of
N items from ``generate.py``) and per format set:

* cold: empty cache, no previous ``exports/``;
* no-op: the same build again;
* edit: one item's body changed (a different change each run), then the build again.

Comparisons: pandoc (Debian) making the same documents for the real pakket (one HTML,
DOCX and PDF with ``--pdf-engine=weasyprint`` for the pakket and for each item, run one
after the other as a team's shell script would, and with ``xargs -P2``); Hugo (Debian)
building the same N items to HTML + JSON with a minimal layout; ``pakketbuild check``
against only reading + parsing the same files (YAML with libyaml, Markdown with
markdown-it-py) in one process. The ratios of the targets come from runs that alternate
the two commands (pakketbuild's cold build with pandoc and with Hugo, ``check`` with the
parse), so that a machine that gets busier or quieter during the run does not skew them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REAL_CONTENT = ROOT / "content"
ALL = "html,json,pdf,docx,odt"
SAME_AS_PANDOC = "html,pdf,docx"
"""What pandoc makes for the real pakket: one HTML page, one DOCX and one PDF per document."""
FORMAT_SETS = ["html", "json", "pdf", "docx", "odt", "html,json", ALL]

_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak = usage.ru_maxrss / 1024
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": elapsed, "peak_mib": peak, "cpu": cpu, "code": code.returncode,
                  "stderr": code.stderr.decode(errors="replace")[-2000:]}))
"""


@dataclass
class Sample:
    seconds: float
    peak_mib: float
    cpu_seconds: float = 0.0
    """User + system time of the process and all its children (workers included)."""


@dataclass
class Measure:
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_mib for s in self.samples)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)


def run_once(command: Sequence[str], cwd: Path | None = None) -> Sample:
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
        env={**os.environ, "PAKKETBUILD_CACHE_DIR": ""},
    )
    data = json.loads(done.stdout)
    if data["code"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{data['stderr']}")
    return Sample(data["seconds"], data["peak_mib"], data["cpu"])


def measure(
    command: Sequence[str],
    repeat: int,
    before: Callable[[int], None] | None = None,
    cwd: Path | None = None,
) -> Measure:
    result = Measure()
    for index in range(repeat):
        if before is not None:
            before(index)
        sample = run_once(command, cwd)
        result.samples.append(sample)
        if sample.seconds > 20:
            break
    return result


def measure_pair(
    first: tuple[Sequence[str], Callable[[int], None] | None],
    second: tuple[Sequence[str], Callable[[int], None] | None],
    repeat: int,
) -> tuple[Measure, Measure]:
    """Two commands measured alternately (first/second, then second/first, …), so that a
    ratio between them is not skewed by the machine getting busier or quieter between
    two separate series."""
    results = (Measure(), Measure())
    for index in range(repeat):
        order = (0, 1) if index % 2 == 0 else (1, 0)
        for which in order:
            command, before = (first, second)[which]
            if before is not None:
                before(index)
            results[which].samples.append(run_once(command))
    return results


def pakketbuild(*args: str) -> list[str]:
    return [sys.executable, "-m", "pakketbuild", *args]


# --------------------------------------------------------------------------- corpora


@dataclass
class Corpus:
    name: str
    content: Path
    edit_item: Path


REAL = "real pakket (7 items, 4 views)"
EDITION = "real pakket (7 items, full edition only)"


def make_corpus(size: str, work: Path) -> Corpus:
    if size in ("real", "edition"):
        content = work / f"content-{size}"
        shutil.copytree(REAL_CONTENT, content)
        if size == "edition":  # the documents pandoc makes: no views
            site = content / "site.yaml"
            text = site.read_text(encoding="utf-8")
            site.write_text(re.sub(r"(?ms)^views:.*\Z", "", text), encoding="utf-8")
        name = REAL if size == "real" else EDITION
        return Corpus(name, content, content / "items" / "woningscan.md")
    views = size.endswith("v")  # e.g. "1000v": N items with the real content's four views
    count = int(size.rstrip("v"))
    content = work / f"content-{size}"
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(count), str(content)], check=True
    )
    if views:
        real_site = (REAL_CONTENT / "site.yaml").read_text(encoding="utf-8")
        block = re.search(r"(?ms)^views:.*\Z", real_site)
        assert block is not None, "the real content defines no views"
        # The views' ``items:`` lists order the real items, which synthetic content lacks.
        views_block = re.sub(r"(?m)^    items:\n(?:      - .*\n?)+", "", block.group(0))
        site = content / "site.yaml"
        site.write_text(site.read_text(encoding="utf-8") + "\n" + views_block, encoding="utf-8")
        shutil.copytree(REAL_CONTENT / "themes", content / "themes", dirs_exist_ok=True)
    pakket = sorted((content / "pakketten").iterdir())[0].read_text(encoding="utf-8")
    first = re.search(r"^items:\n  - (\S+)", pakket, re.M)
    assert first is not None
    name = f"N = {count:,}" + (" with the 4 views" if views else "")
    return Corpus(name, content, content / "items" / f"{first.group(1)}.md")


def edit(path: Path, index: int) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n\nBewerking \d+\.\n?$", "\n", text)
    path.write_text(text.rstrip("\n") + f"\n\nBewerking {index}.\n", encoding="utf-8")


# --------------------------------------------------------------------------- pakketbuild


@dataclass
class BuildRow:
    corpus: str
    formats: str
    cold: Measure
    noop: Measure
    edit: Measure


def bench_builds(corpus: Corpus, work: Path, repeat: int, format_sets: list[str]) -> list[BuildRow]:
    rows = []
    for formats in format_sets:
        tag = formats.replace(",", "-")
        out = work / f"out-{tag}" / "exports"
        cache = work / f"cache-{tag}"
        command = pakketbuild(
            "build", "--content", str(corpus.content), "--out", str(out),
            "--cache-dir", str(cache), "--formats", formats, "--quiet",
        )  # fmt: skip
        original = corpus.edit_item.read_bytes()

        def fresh(_: int, original: bytes = original, out: Path = out, cache: Path = cache) -> None:
            corpus.edit_item.write_bytes(original)
            shutil.rmtree(out.parent, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)

        cold = measure(command, repeat, fresh)
        noop = measure(command, repeat)
        changed = measure(command, repeat, lambda i: edit(corpus.edit_item, i))
        corpus.edit_item.write_bytes(original)
        rows.append(BuildRow(corpus.name, formats, cold, noop, changed))
        print(
            f"{corpus.name:22} {formats:20} cold {cold.seconds:7.2f}s  noop {noop.seconds:6.3f}s"
            f"  edit {changed.seconds:6.2f}s  peak {cold.peak_mib:6.0f} MiB",
            flush=True,
        )
    return rows


# --------------------------------------------------------------------------- serve

RELOAD = "serve, real content: save an item → reloaded page in headless Chromium"
RELOAD_MOMENTS = (
    ("started", "the rebuild starts (the watcher has seen the save)"),
    ("answered", "the page's waiting version request is answered (the build renders)"),
    ("navigation", "the reload starts (location.reload(); its request waits for the build)"),
    ("published", "the new tree is swapped in (load, plan, render, staging, swap done)"),
    ("html", "the page's HTML has arrived"),
    ("assets", "its other files have arrived (style sheets: 304 when unchanged)"),
    ("parsed", "DOMContentLoaded has run"),
    ("load", "the load event"),
)


def bench_reload(work: Path, rounds: int) -> Measure | None:
    """File write to the browser's reload (``load`` of the new page), per save, with
    ``pakketbuild serve`` on a copy of the real content; peak = the server's resident set.

    Also prints when each step was done, median ms after the write (:data:`RELOAD_MOMENTS`),
    from serve's trace lines (``PAKKETBUILD_SERVE_TRACE``: when the rebuild started and
    when its tree was swapped in) and the browser's timings (``reload.mjs``), all on the
    machine's clock; the browser's reload overlaps the build."""
    clients = ROOT / "tests" / "clients" / "node_modules" / "playwright-core"
    if not (shutil.which("node") and Path("/usr/bin/chromium").exists() and clients.exists()):
        print("serve reload: skipped (needs node, chromium and make tools-npm)", flush=True)
        return None
    content = work / "content-serve"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(REAL_CONTENT, content)
    item = content / "items" / "woningscan.md"
    server = subprocess.Popen(
        pakketbuild("serve", "--content", str(content), "--port", "0"),
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=work,
        env={**os.environ, "PAKKETBUILD_SERVE_TRACE": "1"},
    )  # fmt: skip
    assert server.stderr is not None
    port = None
    tracing = False  # serve prints trace lines (an older pakketbuild does not)
    for line in server.stderr:
        tracing = tracing or line.startswith("pakketbuild-trace:")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            port = found.group(1)
            break
    if port is None:
        raise RuntimeError("serve did not start")
    traces: list[dict[str, float]] = []
    traced = threading.Condition()

    log = server.stderr

    def read_log() -> None:  # keep the pipe open, collect the trace lines
        for text in log:
            if text.startswith("pakketbuild-trace:"):
                fields = dict(part.split("=", 1) for part in text.split()[1:])
                with traced:
                    traces.append({k: float(v) if v != "-" else 0.0 for k, v in fields.items()})
                    traced.notify_all()

    drain = threading.Thread(target=read_log, daemon=True)
    drain.start()
    browser = subprocess.Popen(
        ["node", str(HERE / "reload.mjs"), f"http://127.0.0.1:{port}/items/woningscan/",
         str(rounds)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert browser.stdin is not None and browser.stdout is not None
    result = Measure()
    moments: dict[str, list[float]] = {name: [] for name, _ in RELOAD_MOMENTS}
    requests: list[str] = []
    try:
        for index in range(rounds):
            ready = browser.stdout.readline()
            if not ready.startswith("ready"):
                raise RuntimeError(f"reload.mjs: {ready!r}")
            with traced:
                before = len(traces)
            written = time.time() * 1000
            edit(item, index)
            reloaded = browser.stdout.readline().split(maxsplit=3)
            if len(reloaded) != 4:
                raise RuntimeError(f"reload.mjs: {reloaded!r}")
            loaded = float(reloaded[2])
            peak = _peak_mib(server.pid)
            result.samples.append(Sample((loaded - written) / 1000, peak))
            browser_side = json.loads(reloaded[3])
            requests = browser_side["requests"]
            deadline = time.monotonic() + (30 if tracing else 0)
            with traced:  # the rebuild's line comes when it has finished (after the swap)
                while len(traces) <= before and time.monotonic() < deadline:
                    traced.wait(timeout=1)
                trace = traces[before] if len(traces) > before else None
            if trace and trace["published"]:
                at = {**trace, **browser_side, "load": loaded}
                for name, _ in RELOAD_MOMENTS:
                    moments[name].append(at[name] - written)
            browser.stdin.write("next\n")
            browser.stdin.flush()
        browser.stdin.close()
        browser.wait(timeout=60)
    finally:
        browser.kill()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    samples = sorted(round(s.seconds * 1000) for s in result.samples)
    p90 = samples[min(len(samples) - 1, round(0.9 * (len(samples) - 1)))]
    print(
        f"{RELOAD}: median {result.seconds * 1000:.0f} ms, p90 {p90} ms, all {samples} "
        f"(load average now {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    for name, meaning in RELOAD_MOMENTS:
        if moments[name]:
            print(f"  {statistics.median(moments[name]):4.0f} ms  {meaning}", flush=True)
    print(f"  requests of the last reload besides the page: {', '.join(requests)}", flush=True)
    return result


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --------------------------------------------------------------------------- comparisons

PARSE_ONLY = r"""
import sys, yaml
from pathlib import Path
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
root = Path(sys.argv[1])
for path in sorted(root.glob("*.yaml")):
    yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
for folder in ("items", "pakketten"):
    for path in sorted((root / folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        yaml.load(front, Loader=yaml.CSafeLoader)
        md.parse(body)
"""


def split_front_matter(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    title = re.search(r"^title: (.+)$", front, re.M)
    return (title.group(1) if title else path.stem), body.strip() + "\n"


def pandoc_script(content: Path, work: Path) -> tuple[Path, Path]:
    """Markdown files for the pakket and each item, and the scripts a team would write."""
    src = work / "pandoc-src"
    out = work / "pandoc-out"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for pakket in sorted((content / "pakketten").glob("*.md")):
        title, intro = split_front_matter(pakket)
        ids = re.findall(r"^  - (\S+)$", pakket.read_text(encoding="utf-8"), re.M)
        parts = [f'---\ntitle: "{title}"\nlang: nl\n---\n', intro]
        for ident in ids:
            item_title, body = split_front_matter(content / "items" / f"{ident}.md")
            body = re.sub(r"^## ", "### ", body, flags=re.M)
            parts.append(f"## {item_title}\n\n{body}")
        (src / f"{pakket.stem}.md").write_text("\n".join(parts), encoding="utf-8")
        names.append(pakket.stem)
    for item in sorted((content / "items").glob("*.md")):
        title, body = split_front_matter(item)
        (src / f"{item.stem}.md").write_text(
            f'---\ntitle: "{title}"\nlang: nl\n---\n{body}', encoding="utf-8"
        )
        names.append(item.stem)
    venv_bin = Path(sys.executable).parent  # WeasyPrint for pandoc: the same version
    lines = ["#!/bin/sh", "set -e", f"export PATH={venv_bin}:$PATH", f"cd {src}"]
    commands = []
    for name in names:
        commands += [
            f"pandoc {name}.md -s -o {out}/{name}.html",
            f"pandoc {name}.md -o {out}/{name}.docx",
            f"pandoc {name}.md --pdf-engine=weasyprint -o {out}/{name}.pdf",
        ]
    sequential = work / "pandoc.sh"
    sequential.write_text("\n".join(lines + commands) + "\n", encoding="utf-8")
    parallel = work / "pandoc-parallel.sh"
    listing = work / "pandoc-commands.txt"
    listing.write_text("\n".join(commands) + "\n", encoding="utf-8")
    parallel.write_text(
        "\n".join([*lines, f"xargs -P2 -I{{}} sh -c {{}} < {listing}"]) + "\n", encoding="utf-8"
    )
    return sequential, parallel


HUGO_CONFIG = """
baseURL = "https://example.org/"
languageCode = "nl"
title = "Veiligheidspakketten"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[outputs]
home = ["HTML", "JSON"]
page = ["HTML", "JSON"]
section = ["HTML"]
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
    '<title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "_default/single.html": '{{ define "main" }}<main><h1>{{ .Title }}</h1>'
    "<p>{{ .Params.summary }}</p>{{ .Content }}</main>{{ end }}\n",
    "_default/list.html": '{{ define "main" }}<main><h1>{{ .Title }}</h1><ul>'
    '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
    "</ul></main>{{ end }}\n",
    "_default/single.json": '{{ dict "id" .Params.id "title" .Title "summary" '
    '.Params.summary "content_html" .Content "audiences" .Params.audiences | jsonify }}\n',
    "index.json": "{{ $items := slice }}{{ range .Site.RegularPages }}{{ $items = $items | "
    'append (dict "id" .Params.id "title" .Title "url" .Permalink) }}{{ end }}'
    '{{ dict "version" "https://jsonfeed.org/version/1.1" "title" .Site.Title '
    '"items" $items | jsonify }}\n',
    "index.html": '{{ define "main" }}<main><h1>{{ .Site.Title }}</h1><ul>'
    '{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>'
    "{{ end }}</ul></main>{{ end }}\n",
}


def hugo_site(content: Path, work: Path) -> Path:
    site = work / "hugo-site"
    (site / "content" / "items").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        target = site / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for item in (content / "items").glob("*.md"):
        shutil.copyfile(item, site / "content" / "items" / item.name)
    return site


PANDOC = "pandoc, real pakket: 8 x (HTML + DOCX + PDF), sequential"
ALTERNATING = "measured alternately with the next row"
PANDOC_PAIR = (
    f"pakketbuild build, {EDITION}, the same documents (HTML, PDF, DOCX; cold), {ALTERNATING}"
)


def cold_command(
    corpus: Corpus, work: Path, formats: str
) -> tuple[list[str], Callable[[int], None]]:
    """A cold build of ``corpus`` (fresh output and cache folders before every run)."""
    out = work / "paired" / "exports"
    cache = work / "paired-cache"
    command = pakketbuild(
        "build", "--content", str(corpus.content), "--out", str(out),
        "--cache-dir", str(cache), "--formats", formats, "--quiet",
    )  # fmt: skip

    def fresh(_: int) -> None:
        shutil.rmtree(out.parent, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

    return command, fresh


def version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "not installed"
    return done.stdout.splitlines()[0].strip()


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem = 0
    from pakketbuild import __version__

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    start = " / ".join(f"{x:.1f}" for x in LOAD_AT_START) if LOAD_AT_START else "unknown"
    return [
        f"- CPU: {cpu}, {len(os.sched_getaffinity(0))} cores available "
        f"(`nproc`: {os.cpu_count()}); RAM {mem:,} MiB",
        f"- load average (1/5/15 min) when the run started: {start}; when the report was "
        f"written: {load}",
        f"- OS: {platform.platform()}; Python {platform.python_version()}",
        f"- pakketbuild {__version__}; {version(['pandoc', '--version'])}; "
        f"{version(['hugo', 'version']).split(' BuildDate')[0]}; "
        f"WeasyPrint {version([sys.executable, '-m', 'weasyprint', '--version'])}",
    ]


# --------------------------------------------------------------------------- report


def fmt_s(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def verdict(value: float, target: float, smaller: bool = True) -> str:
    ok = value <= target if smaller else value >= target
    return "met" if ok else "**missed**"


@dataclass
class Target:
    label: str
    value: float
    limit: float
    unit: str
    """``ratio``, ``percent``, ``MiB``, ``ms`` or ``s``."""
    goal: bool = True
    """False: shown beside a goal (e.g. the CPU ratio next to the wall-time ratio)."""

    def show(self, value: float) -> str:
        if self.unit == "ratio":
            return f"{value:.2f}x"
        if self.unit == "percent":
            return f"{value:.1%}"
        if self.unit == "s":
            return f"{value:.1f} s"
        return f"{value:.0f} {self.unit}"

    def row(self) -> str:
        bound = "<" if self.unit in ("ms", "s") else "≤"
        verdict_text = verdict(self.value, self.limit) if self.goal else "for comparison"
        return (
            f"| {self.label} | {self.show(self.value)} | {bound} {self.show(self.limit)} | "
            f"{verdict_text} |"
        )


def save_results(
    path: Path, rows: list[BuildRow], extras: dict[str, Measure], machine_lines: list[str]
) -> None:
    """Every sample of the run, so that the report can be written again (``--report-only``,
    e.g. after the notes were edited) without measuring again."""

    def samples(m: Measure) -> list[dict[str, float]]:
        return [vars(s) for s in m.samples]

    data = {
        "machine": machine_lines,
        "rows": [
            {"corpus": r.corpus, "formats": r.formats, "cold": samples(r.cold),
             "noop": samples(r.noop), "edit": samples(r.edit)}
            for r in rows
        ],
        "extras": {name: samples(m) for name, m in extras.items()},
    }  # fmt: skip
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_results(path: Path) -> tuple[list[BuildRow], dict[str, Measure], list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))

    def measure_of(samples: list[dict[str, float]]) -> Measure:
        return Measure([Sample(**s) for s in samples])

    rows = [
        BuildRow(r["corpus"], r["formats"], measure_of(r["cold"]), measure_of(r["noop"]),
                 measure_of(r["edit"]))
        for r in data["rows"]
    ]  # fmt: skip
    extras = {name: measure_of(s) for name, s in data["extras"].items()}
    return rows, extras, data["machine"]


def write_report(
    out: Path,
    rows: list[BuildRow],
    extras: dict[str, Measure],
    notes: str,
    machine_lines: list[str],
) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`benchmarks/run.py`); edit the notes in "
        "`benchmarks/notes.md`, not here.",
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        "## pakketbuild: whole-process times (median) and peak memory",
        "",
        "Cold = empty cache and no previous output; no-op = the same build again; edit = "
        "one item's body changed, then the build again. `--jobs` is the default (all "
        "cores). Peak = largest resident set of any one process of the cold build.",
        "",
        "| content | formats | cold | no-op | one-item edit | edit / cold | peak (cold) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.corpus} | {row.formats} | {fmt_s(row.cold.seconds)} | "
            f"{fmt_s(row.noop.seconds)} | {fmt_s(row.edit.seconds)} | "
            f"{row.edit.seconds / row.cold.seconds:.1%} | {row.cold.peak_mib:.0f} MiB |"
        )
    growth = [r for r in rows if r.corpus.startswith("N = ") and "views" not in r.corpus]
    growth = [r for r in growth if r.formats == "html,json"]
    if growth:
        lines += [
            "",
            "## Growth with the number of items (HTML + JSON, cold)",
            "",
            "| items | cold | CPU (user + sys) | per item | peak |",
            "|---:|---:|---:|---:|---:|",
        ]
        for row in growth:
            count = int(row.corpus.removeprefix("N = ").replace(",", ""))
            lines.append(
                f"| {count:,} | {fmt_s(row.cold.seconds)} | {fmt_s(row.cold.cpu_seconds)} | "
                f"{row.cold.seconds / count * 1000:.2f} ms | {row.cold.peak_mib:.0f} MiB |"
            )
    lines += [
        "",
        "## Comparisons",
        "",
        "| what | time (median) | CPU (user + sys) | peak |",
        "|---|---:|---:|---:|",
    ]
    for name, value in extras.items():
        lines.append(
            f"| {name} | {fmt_s(value.seconds)} | {fmt_s(value.cpu_seconds)} | "
            f"{value.peak_mib:.0f} MiB |"
        )
    targets, info = _comparison_targets(rows, extras)
    more, more_info = _scale_targets(rows, extras)
    targets += more
    info += more_info
    lines += ["", "## Targets", "", "| target | measured | goal | |", "|---|---:|---:|---|"]
    for target in targets:
        lines.append(target.row())
    if info:
        lines += ["", *info]
    lines += ["", notes.strip(), ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def _find(rows: list[BuildRow], corpus: str, formats: str) -> BuildRow | None:
    return next((r for r in rows if r.corpus.startswith(corpus) and r.formats == formats), None)


def _comparison_targets(
    rows: list[BuildRow], extras: dict[str, Measure]
) -> tuple[list[Target], list[str]]:
    """The targets against pandoc and Hugo (in the order of the performance issue's
    table), and lines of information beside them."""

    def find(corpus: str, formats: str) -> BuildRow | None:
        return _find(rows, corpus, formats)

    targets: list[Target] = []
    info: list[str] = []
    pandoc = extras.get(PANDOC)
    paired = extras.get(PANDOC_PAIR)
    if paired and pandoc:
        targets.append(
            Target("real pakket, full edition, cold / pandoc making the same 24 documents",
                   paired.seconds / pandoc.seconds, 0.15, "ratio")
        )  # fmt: skip
        if pandoc.cpu_seconds > 0:
            targets.append(
                Target("the same in CPU time (user + sys of all processes)",
                       paired.cpu_seconds / pandoc.cpu_seconds, 0.15, "ratio", goal=False)
            )  # fmt: skip
    for corpus in (EDITION, REAL):
        found = find(corpus, ALL)
        if found and pandoc:
            info.append(
                f"- {found.corpus}, all five formats (JSON and ODT too), cold: "
                f"{fmt_s(found.cold.seconds)}, {found.cold.seconds / pandoc.seconds:.2f}x "
                f"pandoc's time for its 24 documents."
            )
    big = find("N = 1,000", "html,json")
    hugo = extras.get("Hugo, N = 1,000 → HTML + JSON (cold)")
    hugo_pair = extras.get(f"pakketbuild build, N = 1,000 → HTML + JSON (cold), {ALTERNATING}")
    if hugo_pair and hugo:
        targets.append(
            Target("1,000 items, HTML + JSON, cold / Hugo (wall)",
                   hugo_pair.seconds / hugo.seconds, 2.0, "ratio")
        )  # fmt: skip
        if hugo.cpu_seconds > 0:
            targets.append(
                Target("the same in CPU time (user + sys; steadier on a shared disk)",
                       hugo_pair.cpu_seconds / hugo.cpu_seconds, 2.0, "ratio", goal=False)
            )  # fmt: skip
    if big and hugo:
        targets.append(
            Target("1,000 items, no-op rebuild / Hugo cold",
                   big.noop.seconds / hugo.seconds, 0.5, "ratio")
        )  # fmt: skip
    return targets, info


def _scale_targets(
    rows: list[BuildRow], extras: dict[str, Measure]
) -> tuple[list[Target], list[str]]:
    """The targets of large content, memory, serve and check, and lines of information."""

    def find(corpus: str, formats: str) -> BuildRow | None:
        return _find(rows, corpus, formats)

    targets: list[Target] = []
    info: list[str] = []
    full = find("N = 1,000", ALL)
    if full:
        targets.append(
            Target("1,000 items, all formats: one-item edit / cold",
                   full.edit.seconds / full.cold.seconds, 0.05, "percent")
        )  # fmt: skip
        targets.append(
            Target("peak resident memory of any process, 1,000 items, all formats, one edition",
                   full.cold.peak_mib, 400, "MiB")
        )  # fmt: skip
    viewed = find("N = 1,000 with the 4 views", ALL)
    if viewed:
        targets.append(
            Target("the same with the four audience views",
                   viewed.cold.peak_mib, 400, "MiB")
        )  # fmt: skip
        info.append(
            f"- 1,000 items with the four views, all formats: cold "
            f"{fmt_s(viewed.cold.seconds)}, CPU {fmt_s(viewed.cold.cpu_seconds)}."
        )
    reload = extras.get(RELOAD)
    if reload:
        targets.append(
            Target("serve: saving an item → the reloaded page (median)",
                   reload.seconds * 1000, 200, "ms")
        )  # fmt: skip
    small, huge = find("N = 1,000", "html,json"), find("N = 10,000", "html,json")
    if huge:
        targets.append(
            Target("10,000 items, HTML + JSON, cold", huge.cold.seconds, 20.0, "s")
        )  # fmt: skip
    if small and huge:
        targets.append(
            Target("growth 1,000 → 10,000 items, HTML + JSON cold (10x = linear)",
                   huge.cold.seconds / small.cold.seconds, 10.0, "ratio")
        )  # fmt: skip
    checked = extras.get("pakketbuild check, N = 1,000")
    parsed = extras.get("parse only (read + libyaml + markdown-it), N = 1,000")
    if checked and parsed:
        targets.append(
            Target("check / parse only (N = 1,000)",
                   checked.seconds / parsed.seconds, 2.0, "ratio")
        )  # fmt: skip
    for corpus in (EDITION, REAL, "N = 100"):
        found = find(corpus, ALL)
        if found:
            info.append(
                f"- One-item edit / cold, all formats, {found.corpus}: "
                f"{found.edit.seconds / found.cold.seconds:.1%} "
                f"({fmt_s(found.edit.seconds)} vs {fmt_s(found.cold.seconds)}). Small "
                f"content has no 5% goal: an edit costs at least a process start."
            )
    return targets, info


LOAD_AT_START: tuple[float, float, float] | None = None


def main() -> None:
    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()
    parser = argparse.ArgumentParser(description="benchmark pakketbuild")
    parser.add_argument(
        "--sizes",
        default="real,edition,100,1000,1000v,10000",
        help="corpora: real, edition (real without views), N synthetic items, Nv (N items "
        "with the real content's four views)",
    )
    parser.add_argument(
        "--reload-rounds", type=int, default=7, help="saves timed with serve (0: skip)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=";".join(FORMAT_SETS), help="';'-separated sets")
    parser.add_argument(
        "--large-formats",
        default=f"html,json;{ALL}",
        help="format sets for N >= 1,000 (each PDF/DOCX-only cold run costs minutes)",
    )
    parser.add_argument(
        "--edition-formats",
        default=ALL,
        help="format sets for the real content without views (the pandoc comparison)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    parser.add_argument(
        "--results",
        type=Path,
        default=HERE / "results.json",
        help="where every sample of the run is kept (default: benchmarks/results.json)",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="measure only --sizes and replace their lines in --results, keep the others",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure nothing: write the report again from --results (after editing the notes)",
    )
    args = parser.parse_args()
    notes_file = HERE / "notes.md"
    if args.report_only:
        rows, extras, machine_lines = load_results(args.results)
        notes = notes_file.read_text(encoding="utf-8") if notes_file.exists() else ""
        write_report(args.out, rows, extras, notes, machine_lines)
        print(f"wrote {args.out} from {args.results}")
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="pakketbuild-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Measure a snapshot of the code (edits in the work tree during a run would change the
    # code fingerprint and turn a no-op into a rebuild), byte-compiled once as an
    # installation would be (under PYTHONDONTWRITEBYTECODE=1 an editable install would
    # compile every module in every run).
    snapshot = work / "src"
    shutil.rmtree(snapshot, ignore_errors=True)
    shutil.copytree(ROOT / "src" / "pakketbuild", snapshot / "pakketbuild")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(snapshot)], check=True)
    os.environ["PYTHONPATH"] = str(snapshot)
    format_sets = args.formats.split(";")
    sizes = args.sizes.split(",")
    repeat = max(args.repeat, 3)  # pairs: an odd number, both orders
    rows: list[BuildRow] = []
    extras: dict[str, Measure] = {}
    for size in sizes:
        corpus = make_corpus(size, work / size)
        real = size in ("real", "edition")
        count_only = 0 if real else int(size.rstrip("v"))
        large = count_only >= 1000
        sets = args.large_formats.split(";") if large else format_sets
        if size == "edition":
            sets = args.edition_formats.split(";")
        if size.endswith("v"):  # the with-views memory figure: all formats only
            sets = [ALL]
        elif count_only >= 10_000:  # the growth line: HTML + JSON only
            sets = ["html,json"]
        rows += bench_builds(corpus, work / size, args.repeat, sets)
        pandoc_here = size == "edition" or (size == "real" and "edition" not in sizes)
        if pandoc_here and shutil.which("pandoc"):
            sequential, parallel = pandoc_script(corpus.content, work / size)
            # pakketbuild's cold build of the same content, alternating with pandoc.
            cold = cold_command(corpus, work / size, SAME_AS_PANDOC)
            built, extras[PANDOC] = measure_pair(cold, (["sh", str(sequential)], None), repeat)
            extras[PANDOC_PAIR] = built
            name = "pandoc, real pakket: 8 x (HTML + DOCX + PDF), xargs -P2"
            extras[name] = measure(["sh", str(parallel)], args.repeat)
            for key in list(extras)[-3:]:
                print(f"{key}: {extras[key].seconds:.2f}s", flush=True)
        if size == "real" and args.reload_rounds > 0:
            reloaded = bench_reload(work / size, args.reload_rounds)
            if reloaded is not None:
                extras[RELOAD] = reloaded
        if not real and not size.endswith("v"):
            count = f"{count_only:,}"
            check = pakketbuild("check", "--content", str(corpus.content))
            parse = [sys.executable, "-c", PARSE_ONLY, str(corpus.content)]
            checked, parsed = measure_pair((check, None), (parse, None), repeat)
            extras[f"pakketbuild check, N = {count}"] = checked
            extras[f"parse only (read + libyaml + markdown-it), N = {count}"] = parsed
            if shutil.which("hugo"):
                site = hugo_site(corpus.content, work / size)

                def clean(_: int, site: Path = site) -> None:
                    shutil.rmtree(site / "public", ignore_errors=True)
                    shutil.rmtree(site / "resources", ignore_errors=True)

                hugo = (["hugo", "--quiet", "--source", str(site)], clean)
                cold = cold_command(corpus, work / size, "html,json")
                built, hugo_measure = measure_pair(cold, hugo, repeat)
                extras[f"pakketbuild build, N = {count} → HTML + JSON (cold), {ALTERNATING}"] = (
                    built
                )
                extras[f"Hugo, N = {count} → HTML + JSON (cold)"] = hugo_measure
            for key in list(extras)[-4:]:
                print(f"{key}: {extras[key].seconds:.3f}s", flush=True)
    notes = notes_file.read_text(encoding="utf-8") if notes_file.exists() else ""
    machine_lines = machine()
    if args.update:  # keep the earlier run's lines that this run did not measure again
        old_rows, old_extras, old_machine = load_results(args.results)
        again = {(r.corpus, r.formats): r for r in rows}
        kept = [again.pop((r.corpus, r.formats), r) for r in old_rows]  # in the old order
        rows = kept + list(again.values())
        extras = {**old_extras, **extras}
        machine_lines = [
            *old_machine,
            f"- measured again in a later run ({', '.join(sizes)}): "
            + machine_lines[1].removeprefix("- "),
        ]
    save_results(args.results, rows, extras, machine_lines)
    write_report(args.out, rows, extras, notes, machine_lines)
    print(f"wrote {args.out} and {args.results}")


if __name__ == "__main__":
    main()
