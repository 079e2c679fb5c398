"""`loa sim --credentials FILE`: the simulator runs exactly the devices of an administrator's
credentials sheet (what enrolment answered) and connects with them; a revoked sheet is refused."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from firmware_sim.runner import SimConfig, SimError, run_sim
from server.cli import main
from tests.e2e.conftest import LiveServer


def _sheet(live: LiveServer) -> dict[str, object]:
    with live.http() as c:
        r = c.post("/api/v1/devices", json={"kind": "speaker", "area_code": "W001"}, headers=live.headers["quantri"])
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_the_simulator_connects_with_the_sheets_credentials(live: LiveServer, tmp_path: Path) -> None:
    sheet = _sheet(live)
    assert live.runtime.broker is not None and live.runtime.broker.wait_synced(30)
    config = SimConfig(server=live.url, devices=1, credentials=[sheet], duration=3, cache_dir=tmp_path / "sim",
                       progress=False)
    summary = asyncio.run(run_sim(config))
    assert (summary.devices, summary.enrolled, summary.connected) == (1, 0, 1)

    with live.http() as c:
        revoked = c.post(f"/api/v1/devices/{sheet['device_id']}/revoke", headers=live.headers["quantri"])
    assert revoked.status_code == 200
    with pytest.raises(SimError, match=str(sheet["device_id"])):
        asyncio.run(run_sim(config))


def test_a_bad_credentials_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "sheet.json"
    bad.write_text(json.dumps([1, 2]), encoding="utf-8")
    assert main(["sim", "--server", "http://127.0.0.1:9", "--credentials", str(bad)]) == 2
    assert "tệp thông tin đăng nhập" in capsys.readouterr().err
    assert main(["sim", "--server", "http://127.0.0.1:9"]) == 2
    assert "--devices" in capsys.readouterr().err
