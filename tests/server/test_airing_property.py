"""Property: no sequence of API calls, by any mix of users, makes a version air that was not
approved through the workflow — and ``airable_versions`` agrees with ``may_air`` throughout."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import col, select

from server.models.bulletins import Bulletin, BulletinVersion
from server.models.users import User
from server.services.airing import airable_versions, may_air
from server.services.areas import load_tree
from tests.server.conftest import WORLD_USERS, World, bulletin_body

# Every user can act, but commune 1's officer and approvers more often, so that sequences reach
# approval (and what follows it) instead of being refused at the first step.
ACTORS = [name for name, _, _ in WORLD_USERS] + ["mot.canbo"] * 3 + ["mot.duyet"] * 3 + ["tinh.duyet"]
HAMLET = {"W001": "W001-T01", "W002": "W002-T01", "P01": "W001-T02"}
AREA = {name: area for name, _, area in WORLD_USERS}
# "advance" moves a bulletin one step along the happy path (draft → submitted → approved → edited),
# so that sequences spend their length on what comes after approval.
KINDS = ["advance"] * 5 + ["create", "one_step", "edit", "submit", "synth", "approve", "approve", "reject",
                           "withdraw", "cancel", "upload", "tamper"]

steps = st.lists(
    st.tuples(st.sampled_from(KINDS), st.sampled_from(ACTORS), st.integers(0, 7),
              st.sampled_from(["normal", "priority", "emergency"])),
    min_size=1, max_size=12,
)


@dataclass
class Model:
    bids: list[int] = field(default_factory=list)
    approved: set[tuple[int, str, str]] = field(default_factory=set)  # (version id, hash, audio) via the API
    last_approved: dict[int, int] = field(default_factory=dict)
    closed: set[int] = field(default_factory=set)
    tampered: set[int] = field(default_factory=set)

    def took_approval(self, bid: int, body: dict[str, object]) -> None:
        approved = body["approved"]
        assert isinstance(approved, dict)
        self.approved.add((approved["version_id"], approved["version_hash"], approved["audio_sha256"]))
        self.last_approved[bid] = approved["version_id"]


def _step(world: World, model: Model, kind: str, who: str, pick: int, priority: str) -> None:
    headers = world.headers[who]
    bid = model.bids[pick % len(model.bids)] if model.bids else None
    if kind in ("create", "one_step"):
        body = bulletin_body(priority=priority, targets=[HAMLET[AREA[who]]], body=f"Nội dung số {pick}.")
        if kind == "one_step":
            body["approve"] = True
        r = world.client.post("/api/v1/bulletins", json=body, headers=headers)
        if r.status_code == 201:
            model.bids.append(r.json()["id"])
            if r.json()["approved"] is not None:
                model.took_approval(r.json()["id"], r.json())
        return
    if kind == "synth":
        world.run_jobs()
        return
    if bid is None:
        return
    if kind == "advance":
        _advance(world, model, bid, pick)
    elif kind == "submit":
        world.act(who, bid, "submit")
        if pick % 2 == 0:  # often the synthesis job runs at once, sometimes later ("synth")
            world.run_jobs()
    elif kind == "edit":
        version = world.get("tinh.admin", bid).json()["version"]
        world.patch(who, bid, version, body=f"Sửa lần {pick}.")
    elif kind == "upload":
        files = {"file": ("ghi-am.wav", io.BytesIO(b"RIFF" + bytes([pick]) * 8), "audio/wav")}
        world.client.post(f"/api/v1/bulletins/{bid}/audio", files=files, headers=headers)
    elif kind == "tamper":
        with world.session() as s:
            bulletin = s.get(Bulletin, bid)
            if bulletin is not None and bulletin.approved_version_id is not None:
                target = col(BulletinVersion.id) == bulletin.approved_version_id
                s.execute(update(BulletinVersion).where(target).values(body="Sửa lén trong CSDL."))
                s.commit()
                model.tampered.add(bulletin.approved_version_id)
    else:
        r = world.act(who, bid, kind, {"reason": "Chưa đạt."} if kind == "reject" else None)
        if r.status_code == 200 and kind == "approve":
            model.took_approval(bid, r.json())
        if r.status_code == 200 and kind in ("withdraw", "cancel"):
            model.closed.add(bid)


def _advance(world: World, model: Model, bid: int, pick: int) -> None:
    current = world.get("tinh.admin", bid).json()
    if current["status"] == "draft":
        world.act("mot.canbo", bid, "submit")
        world.run_jobs()
    elif current["status"] == "submitted":
        world.run_jobs()
        for approver in ("mot.duyet", "tinh.duyet"):  # the second one when the first is an author
            r = world.act(approver, bid, "approve")
            if r.status_code == 200:
                model.took_approval(bid, r.json())
                break
    elif current["status"] in ("approved", "rejected"):
        world.patch("mot.canbo", bid, current["version"], title=f"Bản sửa {pick}")


def _check(world: World, model: Model) -> None:
    now = datetime.now(UTC)
    tree = load_tree(world.engine)
    with world.session() as s:
        mine = col(BulletinVersion.bulletin_id).in_(model.bids)
        versions = s.exec(select(BulletinVersion).where(mine)).all()
        airing = {v.id for v in versions if may_air(v, now)}
        bulk = {a.version_id for a in airable_versions(s, now) if a.bulletin_id in model.bids}
        assert airing == bulk
        per_bulletin: dict[int, int] = {}
        for v in versions:
            if v.id not in airing:
                continue
            assert v.id is not None and v.audio_sha256 is not None
            per_bulletin[v.bulletin_id] = per_bulletin.get(v.bulletin_id, 0) + 1
            assert (v.id, v.version_hash, v.audio_sha256) in model.approved
            assert model.last_approved[v.bulletin_id] == v.id
            assert v.bulletin_id not in model.closed and v.id not in model.tampered
            approver = s.get(User, v.approved_by)
            bulletin = s.get(Bulletin, v.bulletin_id)
            assert approver is not None and bulletin is not None and approver.role == "approver"
            assert tree.is_within(bulletin.area_code, approver.area_code)
            assert v.one_step or (approver.id not in v.authors and approver.id != bulletin.created_by)
        assert all(n == 1 for n in per_bulletin.values())


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=steps)
def test_no_sequence_of_api_calls_airs_an_unapproved_version(world: World,
                                                             script: list[tuple[str, str, int, str]]) -> None:
    model = Model()
    _step(world, model, "create", "mot.canbo", 0, "normal")
    for kind, who, pick, priority in script:
        _step(world, model, kind, who, pick, priority)
        _check(world, model)
