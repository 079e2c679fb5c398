"""One typed settings object for every process (server, CLI, benches)."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MANAGED_BROKER_PORT = 18830


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    mqtt_url: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    host: str = "127.0.0.1"
    port: int = 8000
    # Public base URL devices use for HTTP pulls (manifest, media).
    public_url: str | None = None
    token_minutes: int = 60
    tts_engines: str = "espeak"
    tts_timeout_seconds: float = 20.0
    gtts_url: str | None = None
    piper_model: Path | None = None
    log_level: str = "INFO"
    broker_port: int = MANAGED_BROKER_PORT
    # "mosquitto" or "amqtt" forces the managed broker; unset picks Mosquitto when installed.
    broker_kind: Literal["mosquitto", "amqtt"] | None = None
    # Devices' manifests cover today plus this many days (DESIGN.md §3: 72 h offline).
    manifest_days: int = 4
    # Trust the enrolment token file (demo); production enrols with an admin token only.
    allow_enrolment_token: bool = True
    # Reverse proxies (comma-separated addresses/CIDRs) whose X-Forwarded-For names the client;
    # from anyone else the header is ignored (it would let a client choose its throttling address).
    trusted_proxies: str = ""
    # ffmpeg to run (a path or a name on PATH); unset: imageio-ffmpeg's bundled binary. tts reads
    # LOA_FFMPEG itself (it never imports server); declared here to be validated and documented.
    ffmpeg: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone name
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_list(cls, value: str) -> str:
        from server.auth.login_guard import parse_proxies

        parse_proxies(value)  # raises for anything that is not an address or a network
        return value

    @field_validator("ffmpeg")
    @classmethod
    def _ffmpeg_exists(cls, value: str | None) -> str | None:
        if value and shutil.which(value) is None:
            raise ValueError(f"{value!r} is not an executable ffmpeg (a path, or a name on PATH)")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'loa.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def broker_dir(self) -> Path:
        return self.data_dir / "broker"

    @property
    def signing_key_path(self) -> Path:
        return self.keys_dir / "signing-ed25519.pem"

    @property
    def jwt_secret_path(self) -> Path:
        return self.keys_dir / "jwt-secret"

    @property
    def demo_marker(self) -> Path:
        return self.data_dir / "DEMO"

    @property
    def enrolment_token_path(self) -> Path:
        return self.data_dir / "enrolment-token"

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def effective_mqtt_url(self) -> str:
        return self.mqtt_url or f"mqtt://127.0.0.1:{self.broker_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
