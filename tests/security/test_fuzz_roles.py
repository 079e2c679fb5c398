"""Schemathesis over every operation of ``/openapi.json``, signed in as each role and as a device.

Each role works in its own world with a real area scope and real data (approved and pending
bulletins, a slot with an order, an enrolled speaker and board), so generated requests with small
ids reach the real code paths, not only the 404 branch. ``make test`` runs a few derandomized
examples per operation per role; ``make fuzz`` sets ``LOA_FUZZ_EXAMPLES=30``.
"""

from __future__ import annotations

import base64
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.services import devices as registry
from tests.server.conftest import World, _build_world, _world_settings

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
EXAMPLES = int(os.environ.get("LOA_FUZZ_EXAMPLES", "3"))
# role → the world user it signs in as ("device" signs in with HTTP Basic as an enrolled speaker).
ROLES = {"admin": "mot.admin", "officer": "mot.canbo", "approver": "mot.duyet", "auditor": "mot.kiemtra",
         "device": "device"}
REPORT = os.environ.get("LOA_FUZZ_REPORT")  # a file to append one line of figures per role to


def _has_invalid_requests(operation: Any) -> bool:
    """Whether schemathesis can build an invalid request: a body, a query, or a path parameter
    with a constraint (any string is a valid unconstrained path string; searching costs seconds)."""
    raw = operation.definition.raw
    return "requestBody" in raw or any(
        p["in"] != "path" or set(p.get("schema", {})) - {"type", "title", "description"}
        for p in raw.get("parameters") or [])


def _seed(world: World) -> dict[str, str]:
    """Data in both communes, and the device's Basic credentials."""
    world.approved()
    world.approved("hai.canbo", "hai.duyet", targets=["W002-T01"])
    world.submitted()
    world.create()
    slot = world.client.post("/api/v1/areas/W001/slots", headers=world.headers["mot.canbo"], json={
        "name": "Sáng", "start_local": "06:00", "duration_s": 900, "rrule": "FREQ=DAILY", "dtstart": "2026-11-01"})
    assert slot.status_code == 201, slot.text
    with world.session() as session:
        speaker = registry.enrol(session, kind="speaker", area_code="W001-T01")
        registry.enrol(session, kind="board", area_code="W001")
        session.commit()
        device_id, password = speaker.device.id, speaker.password
    return {"Authorization": "Basic " + base64.b64encode(f"{device_id}:{password}".encode()).decode()}


@pytest.fixture(params=list(ROLES))
def signed_in(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              sqlite_template: Path) -> Iterator[tuple[str, World, dict[str, str]]]:
    with pytest.MonkeyPatch.context() as mp:
        for world in _build_world(_world_settings(tmp_path_factory, sqlite_template), mp):
            device = _seed(world)
            user = ROLES[request.param]
            yield request.param, world, device if user == "device" else world.headers[user]


@pytest.mark.timeout(max(120, EXAMPLES * 60))
def test_every_operation_conforms_for_every_role(signed_in: tuple[str, World, dict[str, str]]) -> None:
    role, world, headers = signed_in
    api = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in api.get_all_operations()]  # type: ignore[union-attr]  # Err raises
    failures: list[str] = []
    statuses: Counter[str] = Counter()
    skipped = 0
    started = time.monotonic()
    for operation in operations:
        modes = list(GenerationMode) if _has_invalid_requests(operation) else [GenerationMode.POSITIVE]
        for mode in modes:  # valid requests reach the code paths; invalid ones the edges
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case: Any) -> None:
                response = case.call(headers=headers)
                statuses[f"{response.status_code // 100}xx"] += 1
                case.validate_response(response, checks=CHECKS)

            try:
                check()
            except Unsatisfiable:  # the schema admits no invalid request here (no parameters, free strings)
                skipped += 1
            except Exception as exc:  # every operation's failure is reported, not only the first
                failures.append(f"{role} {mode.value} {operation.label}: {str(exc)[:2000]}")
    assert not any(str(op.path).startswith(("/console", "/login", "/logout")) for op in operations)
    assert len(operations) >= 30
    if REPORT:
        spread = " ".join(f"{k}={v}" for k, v in sorted(statuses.items()))
        seconds = time.monotonic() - started
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(f"{role}\toperations={len(operations)}\texamples={EXAMPLES}\trequests={sum(statuses.values())}"
                      f"\t{spread}\tfailures={len(failures)}\tno_negative={skipped}\tseconds={seconds:.1f}\n")
    assert not failures, "\n\n".join(failures)
