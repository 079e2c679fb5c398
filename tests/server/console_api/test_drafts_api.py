"""Drafts autosave: owner-only, bounded, survives a new sign-in."""

from __future__ import annotations

from tests.server.conftest import World


def test_draft_round_trip_owner_only(world: World) -> None:
    me, other = world.headers["mot.canbo"], world.headers["mot.canbo2"]
    form = {"title": "Tiêm phòng", "targets": ["W001-T01"], "repeats_per_day": 2}
    assert world.client.get("/api/v1/drafts/ban-tin-moi", headers=me).status_code == 404
    r = world.client.put("/api/v1/drafts/ban-tin-moi", json=form, headers=me)
    assert r.status_code == 200, r.text
    assert world.client.get("/api/v1/drafts/ban-tin-moi", headers=me).json()["data"] == form
    # Another officer of the same commune has their own key space.
    missing = world.client.get("/api/v1/drafts/ban-tin-moi", headers=other)
    assert missing.status_code == 404 and missing.json()["detail"]["code"] == "draft_not_found"
    world.client.put("/api/v1/drafts/ban-tin-moi", json={"title": "khác"}, headers=other)
    assert world.client.get("/api/v1/drafts/ban-tin-moi", headers=me).json()["data"] == form
    # Overwrite, then delete.
    world.client.put("/api/v1/drafts/ban-tin-moi", json={"title": "mới"}, headers=me)
    assert world.client.get("/api/v1/drafts/ban-tin-moi", headers=me).json()["data"] == {"title": "mới"}
    assert world.client.delete("/api/v1/drafts/ban-tin-moi", headers=me).status_code == 204
    assert world.client.get("/api/v1/drafts/ban-tin-moi", headers=me).status_code == 404
    assert world.client.get("/api/v1/drafts/ban-tin-moi", headers=other).json()["data"] == {"title": "khác"}


def test_draft_survives_a_new_token(world: World) -> None:
    from sqlmodel import Session

    from server.models.users import User
    from tests.factories import bearer

    world.client.put("/api/v1/drafts/sua-1", json={"body": "x"}, headers=world.headers["mot.canbo"])
    with Session(world.engine) as s:
        user = s.get(User, world.ids["mot.canbo"])
        assert user is not None
        fresh = bearer(world.runtime, user)
    assert world.client.get("/api/v1/drafts/sua-1", headers=fresh).json()["data"] == {"body": "x"}


def test_draft_bounds(world: World) -> None:
    h = world.headers["mot.canbo"]
    for bad in ("Ban-Tin", "a" * 65, "bản-tin", "a_b"):
        r = world.client.put(f"/api/v1/drafts/{bad}", json={}, headers=h)
        assert r.status_code == 422 and r.json()["detail"]["code"] == "draft_key_invalid", bad
    big = world.client.put("/api/v1/drafts/lon", json={"body": "x" * (64 * 1024)}, headers=h)
    assert big.status_code == 413 and big.json()["detail"]["code"] == "draft_too_large"
    assert world.client.put("/api/v1/drafts/mang", json=[1, 2], headers=h).status_code == 422
    assert world.client.get("/api/v1/drafts/x").status_code == 401


def test_draft_count_is_bounded(world: World) -> None:
    from server.services import drafts

    h = world.headers["hai.canbo"]  # no drafts yet
    for i in range(drafts.MAX_DRAFTS):
        assert world.client.put(f"/api/v1/drafts/n-{i}", json={}, headers=h).status_code == 200
    over = world.client.put("/api/v1/drafts/one-more", json={}, headers=h)
    assert over.status_code == 409 and over.json()["detail"]["code"] == "draft_limit"
    assert world.client.put("/api/v1/drafts/n-0", json={"x": 1}, headers=h).status_code == 200  # overwrite ok
