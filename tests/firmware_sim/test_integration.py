"""Simulated devices over real sockets: a project-managed Mosquitto (with the generated ACL) and
a small real HTTP server; a test "server" client publishes signed manifests and acknowledges
as-run batches like the ingest will."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from devices import protocol as p
from firmware_sim.clock import ManualClock
from firmware_sim.fleet import Fleet
from firmware_sim.mqtt_paho import PahoFactory, PahoTransport
from tests.brokers import SERVER_USERNAME, RunningBroker, require_mosquitto, start_test_broker
from tests.firmware_sim import fakes
from tests.firmware_sim.conftest import quick_options
from tests.firmware_sim.http_fake import FakeHttpServer, ServerState

pytestmark = [pytest.mark.broker, pytest.mark.anyio]

SPEAKERS = ["it-spk-1", "it-spk-2"]
BOARDS = ["it-board-1"]
T0 = fakes.START + timedelta(minutes=5)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBroker]:
    require_mosquitto()
    running = start_test_broker(tmp_path_factory.mktemp("sim-broker"), "mosquitto", [*SPEAKERS, *BOARDS, "cli-1"])
    yield running
    running.stop()


@dataclass
class ServerSide:
    """The test's stand-in for the server's MQTT side: publishes, and acknowledges as-run."""

    transport: PahoTransport
    batches: list[p.AsRunBatch] = field(default_factory=list)
    statuses: dict[str, p.Status] = field(default_factory=dict)

    def on_message(self, topic: str, payload: bytes) -> None:
        if topic.endswith("/asrun"):
            batch = p.AsRunBatch.model_validate_json(payload)
            self.batches.append(batch)
            ack = p.AsRunAck(batch_id=batch.batch_id, stored=[r.key for r in batch.records])
            self.transport.publish(p.asrun_ack_topic(batch.device_id), ack.model_dump_json().encode())
        elif topic.endswith("/status") and payload:
            status = p.Status.model_validate_json(payload)
            self.statuses[status.device_id] = status


@pytest.fixture
async def server_side(broker: RunningBroker) -> AsyncIterator[ServerSide]:
    factory = PahoFactory()
    holder: list[ServerSide] = []
    transport = factory(
        url=broker.url, client_id="loa-server-test", username=SERVER_USERNAME,
        password=broker.passwords[SERVER_USERNAME], will_topic="loa/v1/server/status",
        on_message=lambda t, m: holder[0].on_message(t, m),
    )
    holder.append(ServerSide(transport))
    await transport.connect(b"", 5)
    transport.subscribe(["loa/v1/dev/+/asrun", "loa/v1/dev/+/status"])
    yield holder[0]
    await transport.disconnect()
    await factory.aclose()


def _state(broker: RunningBroker, signer: p.Signer) -> ServerState:
    return ServerState(
        signer, broker.url, accounts=dict(broker.passwords),
        free_ids={"speaker": [*SPEAKERS, "cli-1"], "board": list(BOARDS)},
    )


async def test_devices_play_over_mosquitto_and_http_and_get_acknowledged(
    broker: RunningBroker, server_side: ServerSide, tmp_path: Path
) -> None:
    signer = fakes.make_signer()
    state = _state(broker, signer)
    with FakeHttpServer(state) as http:
        items, media = [], {}
        for i, (offset, seconds) in enumerate([(0, 60), (90, 30)]):
            data = f"bulletin {i}".encode() * 2000
            built = fakes.item(T0 + timedelta(seconds=offset), seconds, f"Tin {i}", data, bulletin_id=i + 1)
            items.append(built)
            media[built.media] = data
        state.media.update(media)
        board_item = fakes.item(T0, 40, "Bảng tin", kind="board", pages=[["Họp thôn"], ["19h"]])
        for device_id in SPEAKERS:
            raw = signer.sign(fakes.manifest(device_id, items))
            state.manifests[device_id] = raw
            server_side.transport.publish(p.manifest_topic(device_id), raw, retain=True)
        raw = signer.sign(fakes.manifest(BOARDS[0], [board_item]))
        server_side.transport.publish(p.manifest_topic(BOARDS[0]), raw, retain=True)

        clock = ManualClock(fakes.START)
        fleet = Fleet(http.url, tmp_path / "sim", clock=clock, options=quick_options())
        try:
            await fleet.enrol_and_add(len(SPEAKERS), boards=len(BOARDS), token=state.token)
            # Enrolments run concurrently: which request gets which id is the server's business.
            assert sorted(d.id for d in fleet.devices) == sorted([*SPEAKERS, *BOARDS])
            await fleet.start()
            speakers = sorted((d for d in fleet.devices if d.kind == "speaker"), key=lambda d: d.id)
            board = fleet.by_id[BOARDS[0]]
            await fleet.wait_for(
                lambda: all(d.connected and d.counters.manifests == 1 for d in fleet.devices)
                and all(fleet.media.is_ready(i.sha256 or "") for i in items),
                timeout=15, what="connections, manifests and media",
            )
            assert fleet.media.downloads == len(items)  # shared cache: one GET per sha
            await clock.advance_to(T0 + timedelta(seconds=10))
            assert [d.on_air for d in speakers] == ["Tin 0", "Tin 0"] and board.on_air == "Bảng tin"
            await clock.advance_to(T0 + timedelta(seconds=200))
            await fleet.wait_for(
                lambda: all(d.counters.records_acked == d.counters.records > 0 for d in fleet.devices),
                timeout=15, what="as-run acknowledged",
            )
            for d in speakers:
                assert [(r.outcome, r.bulletin_id) for r in d.history] == [("played", 1), ("played", 2)]
            assert {b.device_id for b in server_side.batches} == {*SPEAKERS, *BOARDS}
            assert fleet.stats().refused == 0
            await fleet.wait_for(lambda: server_side.statuses.get(SPEAKERS[0]) is not None, 5, "status")
            # The link goes down: the broker publishes the device's will (retained offline status).
            speakers[0].link_down()
            await fleet.wait_for(
                lambda: server_side.statuses[SPEAKERS[0]].state == "offline", timeout=10, what="will",
            )
            speakers[0].link_restore()
            await fleet.wait_for(lambda: speakers[0].connected, timeout=15, what="reconnect")
            await fleet.wait_for(lambda: server_side.statuses[SPEAKERS[0]].state == "online", 10, "online")
            # The retained manifest arrives again after the reconnect: a duplicate, not a refusal.
            await fleet.wait_for(lambda: speakers[0].counters.duplicates >= 1, 10, "retained manifest")
            assert speakers[0].counters.refused == 0
        finally:
            await fleet.aclose()
        assert any(r.startswith("GET /media/") for r in state.requests)


async def test_loa_sim_cli_runs_against_the_fakes_and_prints_a_summary(
    broker: RunningBroker, server_side: ServerSide, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.cli import main

    signer = fakes.make_signer()
    state = _state(broker, signer)
    state.free_ids["speaker"] = ["cli-1"]
    (tmp_path / "enrolment-token").write_text(state.token + "\n")  # the demo token file
    monkeypatch.setenv("LOA_DATA_DIR", str(tmp_path))  # restored after the test (main sets it)
    with FakeHttpServer(state) as http:
        argv = ["sim", "--server", http.url, "--devices", "1", "--duration", "1.5",
                "--data-dir", str(tmp_path), "--json", "--faults", "skew=+3s:all"]
        out = io.StringIO()
        with redirect_stdout(out):
            code = await asyncio.to_thread(main, argv)
        assert code == 0
        summary = json.loads(out.getvalue().strip().splitlines()[-1])
        assert "Kết quả mô phỏng" in out.getvalue()
        assert summary["enrolled"] == 1 and summary["connected"] == 1 and summary["refusals"] == 0
        assert summary["connect_seconds"] is not None and summary["rss_kib_per_device"] >= 0
        # The run in the airtime report's terms: the same keys as the report's totals.
        assert set(summary["totals"]) == {"planned", "played", "interrupted", "missed", "failed", "upcoming",
                                          "pending", "airtime_seconds", "compliance", "reasons"}
        from firmware_sim.runner import server_dir

        assert (server_dir(tmp_path / "sim", http.url) / "devices" / "cli-1" / "identity.json").exists()
        # A second run with the same data dir reuses the enrolled device instead of enrolling again.
        out = io.StringIO()
        with redirect_stdout(out):
            assert await asyncio.to_thread(main, [*argv[:5], "--duration", "0.5", *argv[7:]]) == 0
        again = json.loads(out.getvalue().strip().splitlines()[-1])
        assert (again["enrolled"], again["reused"], again["connected"]) == (0, 1, 1)
