"""Request bodies are bounded before they are read: a declared size over the route's limit is
refused at once, an undeclared (chunked) one as soon as it passes it; nothing is created."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlmodel import select

from devices.protocol import MAX_ASRUN_BATCH_BYTES
from server.app import body_limits
from server.body_limit import DEFAULT_LIMIT, BodyLimit
from server.models.bulletins import Bulletin
from server.services import devices as registry
from tests.server.conftest import World, bulletin_body


def bulletin_count(world: World) -> int:
    with world.session() as session:
        return len(session.exec(select(Bulletin)).all())


def padded_bulletin(size: int) -> bytes:
    body = bulletin_body()
    body["body"] = "Nội dung. " + "x" * size
    return json.dumps(body, ensure_ascii=False).encode()


def chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_an_oversized_json_body_is_refused_before_it_is_read(world: World) -> None:
    before = bulletin_count(world)
    headers = {**world.headers["mot.canbo"], "Content-Type": "application/json"}
    r = world.client.post("/api/v1/bulletins", content=padded_bulletin(DEFAULT_LIMIT), headers=headers)
    assert r.status_code == 413
    assert r.json()["detail"]["code"] == "body_too_large" and "1 MB" in r.json()["detail"]["message"]
    assert bulletin_count(world) == before


def test_a_chunked_body_is_stopped_once_it_passes_the_limit(world: World) -> None:
    before = bulletin_count(world)
    headers = {**world.headers["mot.canbo"], "Content-Type": "application/json"}
    sent = padded_bulletin(2 * DEFAULT_LIMIT)
    r = world.client.post("/api/v1/bulletins", content=chunks(sent), headers=headers)  # no Content-Length
    assert r.status_code == 413 and r.json()["detail"]["code"] == "body_too_large"
    assert bulletin_count(world) == before
    ok = world.client.post("/api/v1/bulletins", content=chunks(padded_bulletin(100)), headers=headers)
    assert ok.status_code == 201, ok.text  # a small chunked body still goes through


def test_uploads_and_asrun_batches_have_their_own_limits(world: World) -> None:
    created = world.create()
    big_audio = b"RIFF" + b"0" * (2 * DEFAULT_LIMIT)  # over the JSON limit, under the recording one
    r = world.client.post(f"/api/v1/bulletins/{created['id']}/audio", headers=world.headers["mot.canbo"],
                          files={"file": ("a.wav", big_audio, "audio/wav")})
    assert r.status_code == 200, r.text  # reached the route: the recording is checked when remastered

    with world.session() as session:
        creds = registry.enrol(session, kind="speaker", area_code="W001-T01")
        session.commit()
        device_id = creds.device.id
    r = world.client.post(f"/api/v1/devices/{device_id}/asrun", content=b"{" + b" " * MAX_ASRUN_BATCH_BYTES,
                          auth=(device_id, creds.password), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["detail"]["code"] == "body_too_large"


def test_limits_match_method_and_whole_path() -> None:
    limit = BodyLimit(lambda *_: None, body_limits())  # type: ignore[arg-type, return-value]
    assert limit.limit_for("POST", "/api/v1/bulletins/12/audio") > 50 * 1024 * 1024
    assert limit.limit_for("POST", "/api/v1/devices/spk-w001-1a2b/asrun") == MAX_ASRUN_BATCH_BYTES
    assert limit.limit_for("PUT", "/api/v1/bulletins/12/audio") == DEFAULT_LIMIT
    assert limit.limit_for("POST", "/api/v1/bulletins/12/audio/extra") == DEFAULT_LIMIT
