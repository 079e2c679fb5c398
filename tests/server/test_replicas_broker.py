"""Issue 17's acceptance run: real `loa serve` replicas on one fresh PostgreSQL database and a
`loa broker serve` broker. One leads the scheduler, one stands by, one only serves the API; a
device enrolled through the standby connects at once; a bulletin approved through the standby
reaches the device's HTTP manifest and its retained MQTT manifest; after `kill -9` of the leader
the standby leads within 15 s and the same holds again."""

from __future__ import annotations

import json
import os
import queue
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from devices import protocol
from devices.mqtt import MqttClient, ReceivedMessage
from server.db import dispose_engines, get_engine, migrate
from tests.brokers import free_port, require_mosquitto, wait_until
from tests.factories import PASSWORD, add_users, seed_two_communes
from tests.server.test_broker_accounts import broker_serve, read_env
from tests.server.test_replicas import Server, _serve_env
from tests.services import fresh_postgres_database

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.slow]
USERS = [("canbo", "officer", "W001"), ("duyet", "approver", "W001"), ("quantri", "admin", "P01")]


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, Any]]:
    require_mosquitto()
    with fresh_postgres_database() as url:
        migrate(url)
        engine = get_engine(url)
        seed_two_communes(engine)
        add_users(engine, USERS)
        dispose_engines()
        broker = broker_serve(tmp_path / "broker", free_port())
        env = read_env(tmp_path / "broker" / "broker.env")
        # One shared volume for every replica, as in docker-compose.yml: media, keys, witness.
        shared = tmp_path / "shared"
        shared.mkdir()
        servers: list[Server] = []
        try:
            yield {"db": url, "env": env, "shared": shared, "servers": servers}
        finally:
            for s in servers:
                s.stop()
            broker.terminate()
            broker.wait(10)


def _start(dep: dict[str, Any], role: str) -> Server:
    server = _serve_env(dep["shared"], dep["db"], role,
                        {**dep["env"], "LOA_TTS_ENGINES": "espeak", "LOA_LOG_LEVEL": "INFO"})
    dep["servers"].append(server)
    return server


def _token(server: Server, username: str) -> dict[str, str]:
    r = httpx.post(f"{server.url}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _approved_through(server: Server, title: str) -> int:
    officer, approver = _token(server, "canbo"), _token(server, "duyet")
    now = datetime.now(UTC)
    body = {"title": title, "body": f"{title}. Ủy ban nhân dân xã thông báo.", "board_text": title,
            "category": "notice", "priority": "normal", "targets": ["W001"], "repeats_per_day": 1,
            "valid_from": (now - timedelta(minutes=1)).isoformat(),
            "valid_until": (now + timedelta(days=3)).isoformat()}
    created = httpx.post(f"{server.url}/api/v1/bulletins", json=body, headers=officer).json()
    submitted = httpx.post(f"{server.url}/api/v1/bulletins/{created['id']}/submit", json={}, headers=officer)
    assert submitted.status_code == 200, submitted.text
    job = submitted.json()["job_id"]

    def synthesized() -> bool:  # the leader picks the job up from the database
        return httpx.get(f"{server.url}/api/v1/jobs/{job}", headers=officer).json()["state"] == "succeeded"

    assert wait_until(synthesized, timeout=60, interval=0.2)
    approved = httpx.post(f"{server.url}/api/v1/bulletins/{created['id']}/approve", json={}, headers=approver)
    assert approved.status_code == 200, approved.text
    return int(created["id"])


def _bulletins_in(envelope: bytes) -> set[int]:
    payload = json.loads(envelope)["payload"]
    return {item["bulletin_id"] for item in payload["items"] if item.get("bulletin_id")}


def test_replicas_standby_takeover_and_delivery(deployment: dict[str, Any]) -> None:
    leader = _start(deployment, "all")
    assert wait_until(lambda: leader.role() == "leader", timeout=20, interval=0.2)
    standby, api = _start(deployment, "all"), _start(deployment, "api")
    assert (standby.role(), api.role()) == ("standby", "off")
    slot = {"name": "Sáng", "start_local": "06:00", "duration_s": 1800, "rrule": "FREQ=DAILY",
            "dtstart": datetime.now(UTC).date().isoformat()}  # tomorrow's morning session is in every window
    made = httpx.post(f"{api.url}/api/v1/areas/W001/slots", json=slot, headers=_token(api, "canbo"))
    assert made.status_code == 201, made.text

    admin = _token(standby, "quantri")
    enrolled = httpx.post(f"{standby.url}/api/v1/devices", json={"kind": "speaker", "area_code": "W001"},
                          headers=admin)
    assert enrolled.status_code == 201, enrolled.text
    creds = enrolled.json()
    manifests: queue.Queue[ReceivedMessage] = queue.Queue()
    device = MqttClient(deployment["env"]["LOA_MQTT_URL"], username=creds["username"], password=creds["password"],
                        client_id=creds["device_id"], reconnect_max_delay=1)
    connected_at = time.monotonic()
    assert wait_until(lambda: _try_connect(device), timeout=2, interval=0.1)  # on the broker within 2 s
    print(f"enrolled through the standby, connected after {time.monotonic() - connected_at:.2f} s")
    device.subscribe(protocol.manifest_topic(creds["device_id"]), callback=manifests.put)
    basic = (creds["username"], creds["password"])

    def delivered(bulletin_id: int, through: Server) -> None:
        deadline = time.monotonic() + 60
        try:
            while bulletin_id not in _bulletins_in(
                    manifests.get(timeout=max(0.1, deadline - time.monotonic())).payload):
                pass
        except queue.Empty:
            logs = "\n".join(f"--- {s.log.name}\n{s.log.read_text()[-2500:]}" for s in deployment["servers"])
            raise AssertionError(f"bulletin {bulletin_id} never reached the retained manifest\n{logs}") from None
        http = httpx.get(f"{through.url}/api/v1/devices/{creds['device_id']}/manifest", auth=basic)
        assert http.status_code == 200 and bulletin_id in _bulletins_in(http.content)

    try:
        first = _approved_through(standby, "Họp dân thôn Một")
        delivered(first, standby)

        os.killpg(leader.proc.pid, signal.SIGKILL)
        leader.proc.wait(10)
        killed = time.monotonic()
        assert wait_until(lambda: standby.role() == "leader", timeout=15, interval=0.2)
        print(f"standby led {time.monotonic() - killed:.2f} s after kill -9")

        second = _approved_through(api, "Lịch tiêm phòng tháng sau")  # through the API-only replica now
        delivered(second, api)
        assert api.role() == "off"
    finally:
        device.disconnect()


def _try_connect(client: MqttClient) -> bool:
    try:
        client.connect(timeout=1)
    except Exception:
        return False
    return True
