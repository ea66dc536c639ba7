"""Gazetteer benchmark: index build time and size, lookup latency, embedded gazetteer load time and memory,
and a synthetic allCountries-sized build (no real GeoNames file can be downloaded here).

    .venv/bin/python benchmarks/gazetteer.py                      # country-sized + allCountries-sized builds
    .venv/bin/python benchmarks/gazetteer.py --skip-all           # only the country-sized build
    .venv/bin/python benchmarks/gazetteer.py --all-rows 2000000   # a smaller "all countries" file

Synthetic files have GeoNames' layout and roughly its shape (feature-class mix, ~1 in 4 rows with alternate
names, some non-Latin names, names repeated across places, rows of ~250 countries). Each build and each load
runs in its own process, so that peak memory (max RSS) is that process's own. Everything is written to a
temporary directory that is removed at the end (or --keep DIR).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

# Approximate share of feature classes in allCountries (2024): P 38%, H 19%, S 18%, T 15%, L 4%, A 3%, V/R/U 3%.
CLASS_MIX = [("P", "PPL", 34), ("P", "PPLX", 3), ("P", "PPLA3", 1), ("H", "STM", 11), ("H", "WAD", 2), ("H", "LK", 2),
             ("H", "SPNG", 4), ("S", "FRM", 6), ("S", "SCH", 5), ("S", "CMP", 1), ("S", "MSQE", 3), ("S", "AIRP", 1),
             ("S", "HTL", 2), ("T", "HLL", 6), ("T", "MT", 5), ("T", "PASS", 1), ("T", "VAL", 3), ("L", "AREA", 2),
             ("L", "LCTY", 2), ("A", "ADM3", 2), ("A", "ADM2", 1), ("V", "FRST", 2), ("R", "RD", 1)]
SYLLABLES = ("al ar ba bi da de el fa ha hi ja ka ki ku la li ma mi na ni qa ra ri sa si sha ta ti wa ya za zu "
             "bur gan dor kel mar nor rak sal tan vil hol berg stad ton ville abad pur kot").split()
ARABIC = "قريةجبلواديتلعين"


def _name(rng: random.Random) -> str:
    words = [("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))).capitalize()
             for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    return " ".join(words)


def write_synthetic(path: Path, rows: int, countries: list[str], seed: int = 7) -> int:
    """A GeoNames-format zip of `rows` rows (streamed: memory stays flat); returns the uncompressed size."""
    from eventwire.geo.geonames import format_feature

    rng = random.Random(seed)
    weights = [w for _, _, w in CLASS_MIX]
    pool = [_name(rng) for _ in range(max(1000, rows // 3))]  # names repeat across places, as in GeoNames
    size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open(path.stem + ".txt", "w", force_zip64=True) as out:
            buf = []
            for i in range(rows):
                fclass, fcode, _ = rng.choices(CLASS_MIX, weights)[0]
                name = rng.choice(pool) if rng.random() < 0.6 else _name(rng)
                alts = ()
                if rng.random() < 0.25:
                    alts = tuple(_name(rng) for _ in range(rng.randint(1, 6)))
                    if rng.random() < 0.3:
                        alts += ("".join(rng.choice(ARABIC) for _ in range(6)),)
                cc = countries[i % len(countries)]
                pop = rng.choice((0, 0, 0, 0, 120, 900, 5000)) if fclass == "P" else 0
                line = format_feature(1_000_000 + i, name, rng.uniform(-60, 70), rng.uniform(-180, 180),
                                      f"{fclass}.{fcode}", cc, f"{rng.randint(1, 30):02d}", str(rng.randint(1, 200)),
                                      pop, alts)
                buf.append(line)
                if len(buf) >= 10_000:
                    data = "".join(buf).encode()
                    out.write(data)
                    size += len(data)
                    buf = []
            data = "".join(buf).encode()
            out.write(data)
            size += len(data)
    return size


# The child's own peak memory: VmHWM (Linux; ru_maxrss would carry the parent's peak across fork/exec).
# RssAnon: the process's private memory at the end (memory-mapped index pages are file cache, not counted).
_PEAK_RSS = """
import json as _j, resource as _r
try:
    _st = {l.split(":")[0]: int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(("VmHWM", "RssAnon"))}
except OSError:
    _st = {"VmHWM": _r.getrusage(_r.RUSAGE_SELF).ru_maxrss}
print(_j.dumps({"__rss": _st["VmHWM"], "__anon": _st.get("RssAnon")}))
"""


def _child(code: str, env: dict | None = None) -> tuple[dict, float, float]:
    """Run Python `code` in a fresh process; (its JSON output, wall seconds, max RSS MB of that process)."""
    t0 = time.perf_counter()
    wrapped = code + "\n" + _PEAK_RSS
    res = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    rss = lines[-1]["__rss"] / 1024
    out = lines[0] if len(lines) > 1 else {}
    if lines[-1].get("__anon") is not None:
        out["private_mb_at_end"] = round(lines[-1]["__anon"] / 1024)
    return out, wall, rss


def build(zip_path: Path, data: Path) -> dict:
    code = f"""
import time, json
from eventwire.geo.importer import import_files
t0 = time.perf_counter()
r = import_files([{str(zip_path)!r}], data_dir={str(data)!r})
assert r.committed, r.failed
print(json.dumps({{"seconds": time.perf_counter() - t0, "rows": sum(f.rows for f in r.files)}}))
"""
    out, wall, rss = _child(code)
    from eventwire.geo.datadir import imported_index_path
    from eventwire.geo.index import ImportedIndex

    index = imported_index_path(data)
    idx = ImportedIndex(index)
    sizes = idx.size()
    idx.close()
    return {"rows": out["rows"], "build_seconds": round(out["seconds"], 1), "peak_rss_mb": round(rss),
            "private_mb_at_end": out.get("private_mb_at_end"),
            "index_mb": round(index.stat().st_size / 1e6, 1), **sizes,
            "rows_per_second": round(out["rows"] / out["seconds"])}


def lookup_latency(data: Path, n: int = 2000) -> dict:
    """Per-name lookup time (cache cleared) through the layered gazetteer, exact and transliterated names."""
    code = f"""
import json, random, time
from eventwire.geo.datadir import existing_layers
from eventwire.geo.gazetteer import Gazetteer
gaz = Gazetteer.load(layers=existing_layers({str(data)!r}))
layer = gaz.layers[0]
names = [r[0] for r in layer._conn.execute("SELECT name FROM place WHERE gid % 997 = 0 LIMIT {n}")]
rng = random.Random(3)
variants = [n.replace("a", "e", 1) + "h" for n in names]
def timed(items):
    out = []
    for x in items:
        gaz._cache.clear()
        t0 = time.perf_counter()
        gaz.lookup(x)
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return {{"p50_ms": round(out[len(out) // 2], 3), "p95_ms": round(out[int(len(out) * 0.95)], 3), "n": len(out)}}
emb = Gazetteer.load(layers=[])
def timed_emb(items):
    out = []
    for x in items:
        emb._cache.clear()
        t0 = time.perf_counter()
        emb.lookup(x)
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return {{"p50_ms": round(out[len(out) // 2], 3), "p95_ms": round(out[int(len(out) * 0.95)], 3)}}
print(json.dumps({{"exact": timed(names), "variant": timed(variants), "embedded_only_same_names": timed_emb(names)}}))
"""
    out, _, rss = _child(code)
    out["process_peak_rss_mb"] = round(rss)
    return out


def embedded_load() -> dict:
    """The embedded gazetteer (index already built): load time and the process's memory, in a fresh process."""
    code = """
import json, time
t0 = time.perf_counter()
from eventwire.geo.gazetteer import Gazetteer
g = Gazetteer.load(layers=[])
g.candidates("Homs")
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""
    base, _, base_rss = _child("import json; print(json.dumps({}))")
    out, _, rss = _child(code)
    return {"load_seconds": round(out["seconds"], 3), "process_peak_rss_mb": round(rss),
            "private_mb_at_end": out.get("private_mb_at_end"), "bare_python_peak_rss_mb": round(base_rss)}


def layered_load(data: Path) -> dict:
    code = f"""
import json, time
t0 = time.perf_counter()
from eventwire.geo.gazetteer import load_gazetteer
g = load_gazetteer(data_dir={str(data)!r})
g.candidates("Homs")
print(json.dumps({{"seconds": time.perf_counter() - t0, "layers": len(g.layers)}}))
"""
    out, _, rss = _child(code)
    return {"load_seconds": round(out["seconds"], 3), "process_peak_rss_mb": round(rss),
            "private_mb_at_end": out.get("private_mb_at_end"), "layers": out["layers"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--country-rows", type=int, default=250_000, help="rows of the country-sized file")
    ap.add_argument("--all-rows", type=int, default=12_400_000, help="rows of the allCountries-sized file")
    ap.add_argument("--skip-all", action="store_true", help="skip the allCountries-sized build")
    ap.add_argument("--keep", type=Path, help="keep the files and indexes in this directory")
    args = ap.parse_args()
    import pycountry

    countries = sorted(c.alpha_2 for c in pycountry.countries)
    root = Path(args.keep or tempfile.mkdtemp(prefix="eventwire-gazetteer-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    report: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    try:
        report["embedded"] = embedded_load()
        print(json.dumps({"embedded": report["embedded"]}), file=sys.stderr)
        country = root / "SY.zip"
        t0 = time.perf_counter()
        raw = write_synthetic(country, args.country_rows, ["SY"])
        report["country_file"] = {"rows": args.country_rows, "zip_mb": round(country.stat().st_size / 1e6, 1),
                                  "txt_mb": round(raw / 1e6, 1), "write_seconds": round(time.perf_counter() - t0, 1)}
        report["country_build"] = build(country, root / "data-country")
        report["country_lookup"] = lookup_latency(root / "data-country")
        report["country_layered_load"] = layered_load(root / "data-country")
        print(json.dumps({k: report[k] for k in ("country_file", "country_build", "country_lookup")}),
              file=sys.stderr)
        if not args.skip_all:
            allc = root / "allCountries.zip"
            t0 = time.perf_counter()
            raw = write_synthetic(allc, args.all_rows, countries, seed=11)
            report["all_file"] = {"rows": args.all_rows, "zip_mb": round(allc.stat().st_size / 1e6, 1),
                                  "txt_mb": round(raw / 1e6, 1), "write_seconds": round(time.perf_counter() - t0, 1)}
            print(json.dumps({"all_file": report["all_file"]}), file=sys.stderr)
            report["all_build"] = build(allc, root / "data-all")
            print(json.dumps({"all_build": report["all_build"]}), file=sys.stderr)
            report["all_lookup"] = lookup_latency(root / "data-all")
            report["all_layered_load"] = layered_load(root / "data-all")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
