"""`loa bench speech` (alias `speech1`): the normalizer and the per-area lexicon.

- ``normalize_ms``: normalizing the 1,000-character bulletin of `bench tts` (median of 30 runs);
- ``normalize_lexicon_ms``: the same with a full 500-entry area lexicon applied;
- ``lexicon_lookup_ms``: merging a hamlet's lexicon from its own, its commune's and its province's
  entries (500 each) out of the database;
- ``recheck_ms``: what a lexicon change costs per affected bulletin of the maximum body length
  (5,000 characters: normalize + hash, to compare with the reading its audio was made from).
Targets on two cores: normalize <= 20 ms, lexicon lookup <= 50 ms, recheck <= 100 ms.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench.tts import BULLETIN
from server.bootstrap import prepare
from server.models.areas import Area
from server.models.lexicon import ENTRIES_PER_AREA_MAX, LexiconEntry
from server.services.areas import invalidate, load_tree
from server.services.lexicon import lexicon_for, spoken_sha256
from server.settings import Settings
from tts.normalize import normalize
from tts.normalize.lexicon import Lexicon

RUNS = 30


def _median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


def _terms(prefix: str) -> dict[str, str]:
    return {f"{prefix}{n:03d}": f"mục đọc số {n}" for n in range(ENTRIES_PER_AREA_MAX)}


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del devices, rows
    data_dir.mkdir(parents=True, exist_ok=True)
    lexicon = Lexicon(_terms("QX"))
    engine = prepare(Settings(data_dir=data_dir))
    with Session(engine) as session:
        session.add_all([Area(code="BP", name="Tỉnh", level="province"),
                         Area(code="BC", name="Xã", level="commune", parent_code="BP"),
                         Area(code="BH", name="Thôn", level="hamlet", parent_code="BC")])
        session.flush()
        for code in ("BP", "BC", "BH"):
            session.add_all([LexiconEntry(area_code=code, term=t, reading=r) for t, r in _terms(code).items()])
        session.commit()
    invalidate(engine)
    tree = load_tree(engine)
    with Session(engine) as session:
        lookup = _median_ms(lambda: lexicon_for(session, tree, "BH"), runs=10)
        merged = lexicon_for(session, tree, "BH")
    long_body = (BULLETIN * 5)[:5000]
    normalize(BULLETIN, lexicon)  # warm the lazily compiled tables before timing
    metrics = {
        "normalize_ms": _median_ms(lambda: normalize(BULLETIN)),
        "normalize_lexicon_ms": _median_ms(lambda: normalize(BULLETIN, lexicon)),
        "lexicon_lookup_ms": lookup,
        "lexicon_entries": len(merged),
        "recheck_ms": _median_ms(lambda: spoken_sha256(long_body, merged), runs=10),
    }
    engine.dispose()
    return {"metrics": metrics, "backend": "sqlite", "broker": "none"}
