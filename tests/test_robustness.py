"""Real news from other outlets and countries: a sample of FA-KES and GVA dev articles goes through
`extract` without any article failing in extraction (the full run is in docs/EVALUATION.md)."""
from __future__ import annotations

from conftest import require_shared


def test_real_articles_never_crash_extraction(pipeline):
    require_shared("data", "fa-kes-dev", "fa-kes-dev.csv")
    require_shared("data", "gva-dev", "documents.jsonl")
    from eventwire.evaluation import robustness

    report = robustness.run(limit=25, pipe=pipeline)
    for name in ("fa-kes-dev", "gva-dev"):
        assert report[name]["articles"] == 25
        assert report[name]["crashes"] == 0, report[name]["first_crashes"]
    assert report["fa-kes-dev"]["events"] > 25  # war reporting gives events
