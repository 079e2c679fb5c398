"""Mastered audio by sha256, with Range support. Only audio bound by an approval is served here
(drafts are heard through /api/v1/bulletins/{id}/audio by signed-in staff), and only to whom it
concerns: a device gets audio that may still air in its own area chain (what its manifests and
alerts reference); staff get approved audio of bulletins owned by or airing in their scope
(kept after a withdrawal, for audits). Anything else is the same 404 as a missing file."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from sqlmodel import Session, col, select

from server.delivery.device_auth import device_or_user
from server.deps import AreaTreeDep, RuntimeDep, SessionDep
from server.errors import NotFound
from server.models.bulletins import TERMINAL_STATUSES, Bulletin, BulletinTarget, BulletinVersion
from server.models.devices import Device
from server.models.users import User
from server.services.areas import AreaTree

router = APIRouter(tags=["media"])
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_VERSIONS = 500  # versions sharing one audio file (same text): more is not a real programme
_TERMINAL = {str(status) for status in TERMINAL_STATUSES}


def may_download(session: Session, tree: AreaTree, principal: Device | User, sha: str) -> bool:
    stmt = (select(BulletinVersion.id, Bulletin.area_code, Bulletin.status, Bulletin.approved_version_id)
            .join(Bulletin, col(Bulletin.id) == col(BulletinVersion.bulletin_id))
            .where(col(BulletinVersion.approved_audio_sha256) == sha).limit(MAX_VERSIONS))
    versions: list[tuple[int, str, str, int | None]] = [
        (vid, area, status, approved) for vid, area, status, approved in session.exec(stmt).all() if vid is not None]
    if isinstance(principal, Device):  # may still air (not withdrawn, ended…), for this device's chain
        versions = [v for v in versions if v[3] == v[0] and v[2] not in _TERMINAL]
    if not versions:
        return False
    targets: dict[int, list[str]] = {}
    for version_id, area in session.exec(select(BulletinTarget.version_id, BulletinTarget.area_code)
                                         .where(col(BulletinTarget.version_id).in_([v[0] for v in versions]))):
        targets.setdefault(version_id, []).append(area)
    if isinstance(principal, Device):
        chain = set(tree.ancestors(principal.area_code))
        return any(t in chain for v in versions for t in targets.get(v[0], ()))
    above = set(tree.ancestors(principal.area_code))  # a province-wide bulletin airs in a commune too
    return any(
        tree.is_within(v[1], principal.area_code)
        or any(t in above or tree.is_within(t, principal.area_code) for t in targets.get(v[0], ()))
        for v in versions
    )


@router.get("/media/{name}")
def get_media(
    name: str, runtime: RuntimeDep, session: SessionDep, tree: AreaTreeDep,
    principal: Annotated[Device | User, Depends(device_or_user)],
) -> FileResponse:
    sha = name.removesuffix(".mp3")
    missing = NotFound("Không tìm thấy tệp âm thanh đã được phê duyệt.", code="media_not_found")
    if not name.endswith(".mp3") or not SHA_RE.match(sha):
        raise missing
    path = runtime.settings.media_dir / f"{sha}.mp3"
    if not may_download(session, tree, principal, sha) or not path.is_file():
        raise missing
    # Content-addressed: the bytes behind a name never change, so caches may keep them forever.
    return FileResponse(
        path, media_type="audio/mpeg",
        headers={"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha}"'},
    )
