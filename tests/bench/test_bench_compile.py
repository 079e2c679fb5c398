"""`bench/compile.py` at a tiny size: every stored manifest verifies and carries the seeded
programme (no timing assertions: machines differ)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

from bench.compile import run
from devices import protocol
from server.db import dispose_engines, get_engine
from server.delivery.keys import signer_for
from server.models.devices import DeviceManifest
from server.services.airing import airable_versions
from server.settings import Settings

DEVICES = 45  # three communes: 20 + 20 + 5


def test_bench_compile_stores_a_verifiable_manifest_per_device(tmp_path: Path) -> None:
    result = run(data_dir=tmp_path, devices=DEVICES, rows=None)

    assert result["backend"] == "sqlite" and result["broker"] == "none"
    metrics = result["metrics"]
    assert {"devices", "seconds", "per_device_ms", "manifest_bytes_avg", "changed", "unchanged_seconds"} <= set(metrics)
    assert metrics["devices"] == DEVICES and metrics["changed"] == DEVICES
    assert metrics["seconds"] > 0 and metrics["unchanged_seconds"] > 0
    assert metrics["bulletins"] == 3 + 1 + 2 + 1  # three province-level, then 1, 2, 1 per commune
    assert metrics["planned_rows"] > 0
    # One more bulletin in the middle commune: its 20 devices, and only they, are re-signed.
    assert metrics["incremental_devices"] == 20 and metrics["other_communes_changed"] == 0
    assert metrics["incremental_seconds"] > 0

    settings = Settings(data_dir=tmp_path)
    signer = signer_for(settings.signing_key_path)
    verifier = protocol.Verifier({signer.kid: signer.public_key})
    engine = get_engine(settings.db_url)
    try:
        with Session(engine) as session:
            manifests = session.exec(select(DeviceManifest)).all()
            airable = airable_versions(session, datetime.now(UTC))
    finally:
        dispose_engines()
    assert len(manifests) == DEVICES
    resigned = {row.device_id.rsplit("-", 1)[0] for row in manifests if row.seq == 2}
    assert len(resigned) == 1 and sum(row.seq == 2 for row in manifests) == 20  # one commune's devices
    assert {row.seq for row in manifests} == {1, 2}
    assert len(airable) == metrics["bulletins"] + 1  # the seeded rows pass the approval binding
    for row in manifests:
        payload = verifier.verify(row.envelope.encode(), protocol.ManifestPayload, protocol.MAX_MANIFEST_BYTES)
        assert payload.device_id == row.device_id and payload.seq == row.seq
        assert len(payload.area_codes) == 2  # commune, province
        assert payload.items, f"{row.device_id} got an empty programme"
        assert {item.bulletin_id for item in payload.items if item.bulletin_id} <= {v.bulletin_id for v in airable}
