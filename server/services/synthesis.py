"""Audio for bulletin versions: TTS on submit (a background job), recordings on upload.

``synthesize_text`` and ``master_upload`` are the seam to ``tts/``: tests replace them with
fakes; everything else calls them through this module. The job ``bulletin.synthesize`` is
idempotent (a version that already has audio is left alone), as the job system requires.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

from sqlmodel import Session

from server.errors import LoaError
from server.jobs import JobContext, JobRunner, execute_job, job_kind
from server.models.bulletins import Bulletin, BulletinVersion
from server.models.jobs import Job
from server.services import audit
from server.services.areas import load_tree
from server.services.lexicon import Resynthesis, lexicon_for, remember_reading
from server.settings import Settings

log = logging.getLogger(__name__)

JOB_KIND = "bulletin.synthesize"


class Asset(Protocol):
    """What ``tts`` returns (``tts.cache.AudioAsset``)."""

    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def duration_ms(self) -> int: ...
    @property
    def engine(self) -> str: ...
    @property
    def voice(self) -> str: ...
    @property
    def path(self) -> Path: ...


class AudioFailed(LoaError):
    """TTS or mastering failed; ``code``/``message`` come from ``tts`` when it gave them."""

    status_code = 503
    code = "tts_failed"
    default_message = "Không tạo được âm thanh cho bản tin. Vui lòng thử lại sau."


def recordings_dir(settings: Settings) -> Path:
    return settings.data_dir / "recordings"


def media_path(settings: Settings, sha256: str) -> Path:
    return settings.media_dir / f"{sha256}.mp3"


def synthesize_text(settings: Settings, text: str, *, reads_per_play: int, gap_seconds: float,
                    progress: Any = None, lexicon: Mapping[str, str] | None = None) -> Asset:
    """Speak ``text`` with the configured engine chain (``LOA_TTS_ENGINES``), mastered and cached.

    ``lexicon``: the bulletin area's pronunciation entries (``server.services.lexicon``).
    """
    from tts.audio import AudioError
    from tts.engines import EngineConfigError
    from tts.normalize import normalize
    from tts.synth import synthesize_bulletin

    try:
        chain = engine_chain(settings)
        return synthesize_bulletin(text, media_dir=settings.media_dir, engines=chain,
                                   reads_per_play=reads_per_play, gap_seconds=gap_seconds, progress=progress,
                                   normalizer=functools.partial(normalize, lexicon=lexicon or None))
    except AudioError as exc:
        raise AudioFailed(exc.message, code=exc.code) from exc
    except EngineConfigError as exc:
        raise AudioFailed(exc.message, code="tts_config") from exc


def engine_chain(settings: Settings, spec: str | None = None) -> list[Any]:
    """The TTS engines of ``spec`` (default ``LOA_TTS_ENGINES``) configured from the settings."""
    from tts.engines import FptConfig, build_chain

    key = settings.fpt_api_key.get_secret_value() if settings.fpt_api_key else None
    return build_chain(
        spec or settings.tts_engines, timeout=settings.tts_timeout_seconds, gtts_url=settings.gtts_url,
        piper_model=settings.piper_model, espeak_voice=settings.espeak_voice, espeak_rate=settings.espeak_rate,
        fpt=FptConfig(api_key=key, url=settings.fpt_url, voice=settings.fpt_voice),
    )


def master_upload(settings: Settings, path: Path, *, reads_per_play: int, gap_seconds: float) -> Asset:
    """Validate and master an officer's recording; bad audio raises a 4xx ``LoaError``."""
    from tts.audio import AudioError
    from tts.synth import master_recording

    try:
        return master_recording(path, media_dir=settings.media_dir, reads_per_play=reads_per_play,
                                gap_seconds=gap_seconds)
    except AudioError as exc:
        error = LoaError(exc.message, code=exc.code)
        error.status_code = int(getattr(exc, "status_code", 422))
        raise error from exc


def make_audio(settings: Settings, version: BulletinVersion, progress: Any = None,
               lexicon: Mapping[str, str] | None = None) -> Asset:
    """The version's audio: its recording re-mastered with its reads/gap, else its body spoken."""
    if version.recording_sha256:
        source = recordings_dir(settings) / version.recording_sha256
        return master_upload(settings, source, reads_per_play=version.reads_per_play,
                             gap_seconds=version.gap_seconds)
    return synthesize_text(settings, version.body, reads_per_play=version.reads_per_play,
                           gap_seconds=version.gap_seconds, progress=progress, lexicon=lexicon)


def bulletin_lexicon(session: Session, bulletin_id: int) -> dict[str, str]:
    """The lexicon a bulletin is read with: its unit area's entries and its ancestors'."""
    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None or session.bind is None:
        return {}
    return lexicon_for(session, load_tree(session.get_bind().engine), bulletin.area_code)


def attach_spoken(session: Session, version: BulletinVersion, asset: Asset, lexicon: Mapping[str, str]) -> None:
    """``attach`` plus the record of what TTS audio was read from (lexicon changes compare with it)."""
    attach(version, asset)
    if not version.recording_sha256:
        session.flush()
        remember_reading(session, version, lexicon)


def attach(version: BulletinVersion, asset: Asset) -> None:
    version.audio_sha256, version.audio_size = asset.sha256, asset.size
    version.audio_duration_ms = asset.duration_ms
    version.audio_engine, version.audio_voice = asset.engine, asset.voice


def audio_summary(asset: Asset) -> dict[str, Any]:
    return {"audio_sha256": asset.sha256, "size": asset.size, "duration_ms": asset.duration_ms,
            "engine": asset.engine, "voice": asset.voice}


@job_kind(JOB_KIND)
def synthesize_job(ctx: JobContext) -> dict[str, Any]:
    """Params: ``version_id`` and the ``version_hash`` it was submitted with."""
    if ctx.runtime is None:
        raise RuntimeError("bulletin.synthesize needs the runtime (settings)")
    settings: Settings = ctx.runtime.settings
    with Session(ctx.engine) as session:
        version = session.get(BulletinVersion, ctx.params["version_id"])
        if version is None or version.version_hash != ctx.params["version_hash"]:
            return {"skipped": "version changed"}
        if version.audio_sha256:
            return {"audio_sha256": version.audio_sha256, "skipped": "audio already made"}
        lexicon = bulletin_lexicon(session, version.bulletin_id)
    asset = make_audio(settings, version, progress=ctx.progress, lexicon=lexicon)
    with audit.bind(Session(ctx.engine), settings.data_dir) as session:
        version = session.get(BulletinVersion, ctx.params["version_id"])
        assert version is not None
        if version.audio_sha256 is None:  # frozen version: its content cannot have changed
            attach_spoken(session, version, asset, lexicon)
            session.add(version)
            bulletin = session.get(Bulletin, version.bulletin_id)
            audit.record(session, None, "bulletin_audio_ready", f"bulletin:{version.bulletin_id}", {
                "version_number": version.number, "version_hash": version.version_hash,
                "status": bulletin.status if bulletin else None, **audio_summary(asset),
            })
            session.commit()
    return audio_summary(asset)


def resynthesize(session: Session, changes: Sequence[Resynthesis], *, settings: Settings,
                 jobs: JobRunner | None, user_id: int | None) -> list[int]:
    """Queue a ``bulletin.synthesize`` job per version whose audio a lexicon change cleared.

    Call after the change is committed. ``jobs=None`` (the CLI, no scheduler) runs them inline.
    """
    from server.services.bulletins import set_pointer

    job_ids = []
    for change in changes:
        params = {"version_id": change.version_id, "version_hash": change.version_hash}
        version = session.get(BulletinVersion, change.version_id)
        bulletin = session.get(Bulletin, version.bulletin_id) if version else None
        if jobs is not None:
            job = jobs.submit(session, JOB_KIND, params, user_id)
        else:
            job = Job(kind=JOB_KIND, params=params, created_by=user_id)
            session.add(job)
            session.commit()
        assert job.id is not None
        if bulletin is not None:
            set_pointer(session, bulletin, "last_job_id", job.id)
            session.commit()
        if jobs is None:
            execute_job(session.get_bind().engine, job.id, SimpleNamespace(settings=settings))
        job_ids.append(job.id)
    return job_ids
