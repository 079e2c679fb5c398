"""Mastered audio by sha256, with Range support. Only audio bound by an approval is served here
(drafts are heard through /api/v1/bulletins/{id}/audio by signed-in staff)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from sqlmodel import col, select

from server.delivery.device_auth import device_or_user
from server.deps import RuntimeDep, SessionDep
from server.errors import NotFound
from server.models.bulletins import TERMINAL_STATUSES, Bulletin, BulletinVersion
from server.models.devices import Device
from server.models.users import User

router = APIRouter(tags=["media"])
SHA_RE = re.compile(r"^[0-9a-f]{64}$")


@router.get("/media/{name}")
def get_media(
    name: str, runtime: RuntimeDep, session: SessionDep,
    principal: Annotated[Device | User, Depends(device_or_user)],
) -> FileResponse:
    sha = name.removesuffix(".mp3")
    missing = NotFound("Không tìm thấy tệp âm thanh đã được phê duyệt.", code="media_not_found")
    if not name.endswith(".mp3") or not SHA_RE.match(sha):
        raise missing
    query = select(BulletinVersion.id).where(col(BulletinVersion.approved_audio_sha256) == sha)
    if isinstance(principal, Device):  # a device: only audio that may still air (not withdrawn, ended…)
        query = query.join(Bulletin, col(Bulletin.approved_version_id) == col(BulletinVersion.id)).where(
            col(Bulletin.status).not_in([str(status) for status in TERMINAL_STATUSES]))
    approved = session.exec(query.limit(1)).first()
    path = runtime.settings.media_dir / f"{sha}.mp3"
    if approved is None or not path.is_file():
        raise missing
    # Content-addressed: the bytes behind a name never change, so caches may keep them forever.
    return FileResponse(
        path, media_type="audio/mpeg",
        headers={"Cache-Control": "private, max-age=31536000, immutable", "ETag": f'"{sha}"'},
    )
