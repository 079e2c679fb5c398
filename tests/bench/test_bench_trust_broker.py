"""`bench/trust_broker.py` at a tiny size through a real Mosquitto: every takeover is refused,
the victims stay connected, rotation/revocation hold and lost accounts are restored (the bench
raises otherwise; no timing assertions: machines differ)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.trust_broker import run
from tests.brokers import require_mosquitto

pytestmark = pytest.mark.broker


def test_bench_trust_broker_refuses_every_takeover(tmp_path: Path) -> None:
    require_mosquitto()
    result = run(data_dir=tmp_path, devices=5)
    metrics = result["metrics"]
    assert result["broker"] == "mosquitto" and metrics["devices"] == 5
    assert metrics["takeovers_refused"] == metrics["takeover_attempts"] > 0
    assert metrics["victims_connected"] is True
    assert metrics["reconciled_devices"] > 0
    for key in ("start_seconds", "enrol_to_connect_seconds", "rotate_seconds", "revoke_to_disconnect_seconds",
                "reconcile_seconds"):
        assert metrics[key] >= 0
