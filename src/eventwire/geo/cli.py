"""`eventwire gazetteer ...`: download, import, add, info, lookup, reset. A thin shell over eventwire.geo.

Results (info, lookup) go to stdout (a table on a terminal, JSON otherwise; `--format` overrides); progress,
per-row problems and the summary go to stderr. Exit codes: 0 fine, 1 some files or rows failed (named on
stderr), 2 usage error (unknown country code or feature class, missing file).
Only typer and rich are imported here at module level: `eventwire --help` stays fast.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Places: import GeoNames files or your own places, inspect what is loaded, look names up.")
err = Console(stderr=True, highlight=False)
EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
MAX_PROBLEMS_SHOWN = 20


class ResultFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


FeaturesOpt = typer.Option("PATHLS", "--features",
                           help="GeoNames feature classes to keep: P places, A admin areas, T terrain, H water, "
                                "L areas, S spots (camps, checkpoints, airports); also R, U, V.")
DataDirOpt = typer.Option(None, "--data-dir", envvar="EVENTWIRE_DATA_DIR",
                          help="Where the indexes live (default: the platform's user data directory).")


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", soft_wrap=True)
    return typer.Exit(code)


class _Problems:
    """Per-row problems: the first few printed, all counted."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, problem) -> None:
        self.n += 1
        if self.n <= MAX_PROBLEMS_SHOWN:
            err.print(f"[yellow]skipped[/yellow] {problem}", soft_wrap=True, markup=True)
        elif self.n == MAX_PROBLEMS_SHOWN + 1:
            err.print("[yellow]skipped[/yellow] ... (further skipped rows are only counted)")


class _Bars:
    """A rich progress bar per file on stderr when it is a terminal; one line per finished file otherwise."""

    def __init__(self, unit: str) -> None:
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                                   TransferSpeedColumn)

        self.unit = unit
        self.live = err.is_terminal
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), TimeRemainingColumn(), console=err,
                                 disable=not self.live, transient=False)
        self.tasks: dict[str, int] = {}
        self.finished: set[str] = set()

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def __call__(self, name: str, done: int, total: int | None) -> None:
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(f"{self.unit} {name}", total=total)
        self.progress.update(self.tasks[name], completed=done, total=total)
        if total is not None and done >= total and name not in self.finished:
            self.finished.add(name)
            if not self.live:
                err.print(f"{self.unit} {name}: {done / 1e6:.1f} MB")


# ---------------------------------------------------------------- download / import
@app.command()
def download(
    countries: List[str] = typer.Argument(..., help="ISO 3166-1 alpha-2 codes (SY LB IQ ...), or ALL for allCountries."),
    base_url: Optional[str] = typer.Option(
        None, "--base-url", envvar="EVENTWIRE_GEONAMES_URL",
        help="Where the GeoNames export lives (default https://download.geonames.org/export/dump)."),
    features: str = FeaturesOpt,
    support: bool = typer.Option(True, "--admin-codes/--no-admin-codes",
                                 help="Also fetch admin1CodesASCII.txt, admin2Codes.txt and countryInfo.txt."),
    do_import: bool = typer.Option(True, "--import/--no-import", help="Import what was downloaded."),
    refresh: bool = typer.Option(False, "--refresh", help="Fetch again even when the server's file is unchanged."),
    data_dir: Optional[Path] = DataDirOpt,
) -> None:
    """Download GeoNames country files (with resume and size/zip checks), then import them."""
    from .datadir import downloads_dir
    from .download import download_geonames, files_for
    from .geonames import GazetteerError
    from .importer import check_classes

    try:
        files_for(countries)
        classes = check_classes(features)
    except GazetteerError as exc:
        raise _fail(str(exc))
    dest = downloads_dir(data_dir)
    failed: list[str] = []

    def on_error(name: str, message: str) -> None:
        failed.append(name)
        err.print(f"[red]error[/red] {message}", soft_wrap=True)

    try:
        with _Bars("downloading") as bars:
            got = download_geonames(countries, dest, base_url, support, bars, refresh, on_error)
    except KeyboardInterrupt:
        err.print(f"[red]interrupted[/red]: partial files are kept in {dest} (*.part) and resume on the next run; "
                  "nothing was imported, the previous index is intact")
        raise typer.Exit(130)
    for d in got:
        note = " (unchanged on the server: not fetched again)" if d.reused else (
            f" (resumed at {d.resumed_from:,} bytes)" if d.resumed_from else "")
        err.print(f"{d.name}: {d.size:,} bytes, sha256 {d.sha256[:16]}...{note}")
    code = EXIT_SOME_FAILED if failed else EXIT_OK
    if do_import and got:
        code = max(code, _run_import([d.path for d in got], classes, data_dir, {str(d.path): d.sha256 for d in got}))
    err.print(f"{len(got)} file(s) downloaded to {dest}, {len(failed)} failed")
    raise typer.Exit(code)


@app.command("import")
def import_(
    files: List[Path] = typer.Argument(..., help="GeoNames files: XX.zip/.txt, allCountries.zip, cities500.zip, "
                                                 "admin1CodesASCII.txt, admin2Codes.txt, countryInfo.txt."),
    features: str = FeaturesOpt,
    data_dir: Optional[Path] = DataDirOpt,
) -> None:
    """Import GeoNames files from disk (for machines without internet access)."""
    from .geonames import GazetteerError
    from .importer import check_classes

    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise _fail(f"no such file: {', '.join(missing)}")
    try:
        classes = check_classes(features)
    except GazetteerError as exc:
        raise _fail(str(exc))
    raise typer.Exit(_run_import(files, classes, data_dir))


def _run_import(files: list[Path], classes: str, data_dir: Optional[Path], checksums: dict | None = None) -> int:
    import time

    from .geonames import GazetteerError
    from .importer import import_files

    problems = _Problems()
    t0 = time.perf_counter()
    try:
        with _Bars("importing") as bars:
            result = import_files(files, data_dir, classes, progress=bars, on_problem=problems,
                                  checksums=checksums, step=lambda s: err.print(f"index: {s}...") if err.is_terminal else None)
    except GazetteerError as exc:
        err.print(f"[red]error[/red] {exc}", soft_wrap=True)
        return EXIT_SOME_FAILED
    except KeyboardInterrupt:
        err.print("[red]interrupted[/red]: nothing was changed, the previous index is intact")
        return 130
    for f in result.failed:
        err.print(f"[red]error[/red] {f.error}", soft_wrap=True)
    rows = sum(f.rows for f in result.files if not f.error)
    if result.committed:
        size = result.index.stat().st_size / 1e6
        err.print(f"{len(result.files)} file(s), {rows:,} rows imported, {result.skipped_rows:,} rows skipped, "
                  f"{len(result.failed)} file(s) failed; index {result.index} ({size:.1f} MB, "
                  f"{time.perf_counter() - t0:.1f} s)")
    else:
        err.print(f"nothing imported ({len(result.failed)} file(s) failed); the previous index is unchanged")
    return EXIT_SOME_FAILED if (result.failed or result.skipped_rows) else EXIT_OK


# ---------------------------------------------------------------- the user's own places
@app.command()
def add(
    file: Path = typer.Argument(..., help="YAML list of places: name, latitude, longitude, country, feature "
                                          "(GeoNames class.code, default P.PPL), other_names, admin1, admin2."),
    data_dir: Optional[Path] = DataDirOpt,
) -> None:
    """Add your own places (camps, front-line names); they take priority over GeoNames and the embedded data."""
    from .geonames import GazetteerError
    from .importer import add_user_places

    if not file.exists():
        raise _fail(f"no such file: {file}")
    skipped: list[str] = []

    def problem(message: str) -> None:
        skipped.append(message)
        err.print(f"[yellow]skipped[/yellow] {message}", soft_wrap=True)

    try:
        n, held, index = add_user_places(file, data_dir, problem)
    except GazetteerError as exc:
        raise _fail(str(exc), EXIT_SOME_FAILED)
    err.print(f"{n} place(s) added or updated, {len(skipped)} skipped; {held} own place(s) in {index}")
    raise typer.Exit(EXIT_SOME_FAILED if skipped else EXIT_OK)


@app.command()
def reset(
    own: bool = typer.Option(False, "--own", help="Also remove your own places (added with `gazetteer add`)."),
    data_dir: Optional[Path] = DataDirOpt,
) -> None:
    """Remove the imported GeoNames index (downloaded files are kept); the embedded gazetteer is used again."""
    from .datadir import imported_index_path, user_index_path

    removed = []
    for path in [imported_index_path(data_dir)] + ([user_index_path(data_dir)] if own else []):
        if path.exists():
            path.unlink()
            removed.append(str(path))
    err.print(f"removed {', '.join(removed)}" if removed else "nothing to remove")


# ---------------------------------------------------------------- inspecting
@app.command()
def info(
    fmt: Optional[ResultFormat] = typer.Option(None, "--format", help="jsonl or table."),
    data_dir: Optional[Path] = DataDirOpt,
) -> None:
    """What is loaded: sources, counts by feature class and country, sizes, paths."""
    from .report import gazetteer_info

    data = gazetteer_info(data_dir)
    if _as_table(fmt):
        from .report import render_info

        render_info(data, Console())
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


@app.command()
def lookup(
    name: str = typer.Argument(..., help="A place name, optionally with its phrase: \"Tallat al-Burkan hill\", "
                                         "\"the town of Fleita\"."),
    country: List[str] = typer.Option([], "--country", help="A country of the story (ISO code); may be repeated."),
    near: Optional[str] = typer.Option(None, "--near", help="LAT,LON of another place of the story."),
    feature: Optional[str] = typer.Option(None, "--feature", help="Keep candidates of these classes (e.g. PT)."),
    explain: bool = typer.Option(False, "--explain", help="Show the score breakdown of every candidate."),
    limit: int = typer.Option(10, "--limit", min=1, help="How many candidates to show."),
    fmt: Optional[ResultFormat] = typer.Option(None, "--format", help="jsonl or table."),
    data_dir: Optional[Path] = DataDirOpt,
) -> None:
    """Candidates for a name, best first, and why the first one wins."""
    from .gazetteer import country_name
    from .report import lookup_rows, render_lookup

    countries = [c.upper() for c in country]
    bad = [c for c in countries if not country_name(c)]
    if bad:
        raise _fail(f"unknown country code(s): {', '.join(bad)}")
    point = None
    if near:
        try:
            lat, lon = (float(x) for x in near.split(","))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            point = (lat, lon)
        except ValueError:
            raise _fail(f"--near expects LAT,LON in degrees (e.g. 34.18,36.42), got '{near}'")
    classes = None
    if feature:
        from .geonames import GazetteerError
        from .importer import check_classes

        try:
            classes = check_classes(feature)
        except GazetteerError as exc:
            raise _fail(str(exc))
    gaz = _load(data_dir)
    rows = lookup_rows(gaz, name, countries, point, classes, explain)[:limit]
    if not rows:
        err.print(f"no candidate for '{name}'")
        raise typer.Exit(EXIT_SOME_FAILED)
    if _as_table(fmt):
        render_lookup(name, rows, explain, Console())
    else:
        for r in rows:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")


def _load(data_dir: Optional[Path]):
    from .datadir import existing_layers
    from .gazetteer import Gazetteer

    return Gazetteer.load(layers=existing_layers(data_dir))


def _as_table(fmt: Optional[ResultFormat]) -> bool:
    return fmt == ResultFormat.table if fmt else sys.stdout.isatty()
