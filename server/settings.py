"""One typed settings object for every process (server, CLI, benches)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MANAGED_BROKER_PORT = 18830


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOA_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    mqtt_url: str | None = None
    # Admin login of an external Mosquitto with dynamic security (written by `loa broker serve`
    # into broker.env): the server then manages device accounts there, over MQTT.
    broker_admin_url: str | None = None
    # Key from which devices' broker passwords are derived; every replica needs the same file.
    broker_device_key_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Public base URL devices use for HTTP pulls (manifest, media).
    public_url: str | None = None
    # The citizens' pages and feeds (/public) are recomputed at most this often per area.
    public_cache_seconds: float = 60.0
    token_minutes: int = 60
    # Console sign-in; after it expires the officer signs in again and returns to the page.
    session_minutes: int = 480
    tts_engines: str = "espeak"
    tts_timeout_seconds: float = 20.0
    gtts_url: str | None = None
    piper_model: Path | None = None
    # The offline voice (eSpeak NG): variant and words per minute, chosen by `loa bench tts`.
    espeak_voice: str = "vi"
    espeak_rate: int = Field(default=130, ge=80, le=300)
    # FPT.AI's online voice (`fpt` in LOA_TTS_ENGINES); skipped without a key.
    fpt_api_key: SecretStr | None = None
    fpt_url: str = "https://api.fpt.ai"
    fpt_voice: str = "banmai"
    log_level: str = "INFO"
    broker_port: int = MANAGED_BROKER_PORT
    # "mosquitto" or "amqtt" forces the managed broker; unset picks Mosquitto when installed.
    broker_kind: Literal["mosquitto", "amqtt"] | None = None
    # Devices' manifests cover today plus this many days (DESIGN.md §3: 72 h offline).
    manifest_days: int = 4
    # Trust the enrolment token file (demo); production enrols with an admin token only.
    allow_enrolment_token: bool = True
    # Secrets as files (mountable in a deployment); created once, atomically, when absent.
    signing_key_file: Path | None = None
    token_secret_file: Path | None = None
    # Reverse proxies (comma-separated addresses/CIDRs) whose X-Forwarded-For names the client;
    # from anyone else the header is ignored (it would let a client choose its throttling address).
    trusted_proxies: str = ""
    # ffmpeg to run (a path or a name on PATH); unset: imageio-ffmpeg's bundled binary. tts reads
    # LOA_FFMPEG itself (it never imports server); declared here to be validated and documented.
    ffmpeg: str | None = None
    # Notifications by e-mail and webhook (off unless a host/URL is set); see server/notify.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "loa@localhost"
    smtp_to: str = ""  # comma-separated recipients
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    notify_poll_seconds: float = 5.0
    notify_retries: int = 5

    # After an airing ends, how long its as-run log may take before the report calls it missed.
    asrun_grace_minutes: int = 15

    @field_validator("asrun_grace_minutes")
    @classmethod
    def _grace_bounds(cls, value: int) -> int:
        if not 0 <= value <= 60:
            raise ValueError("LOA_ASRUN_GRACE_MINUTES must be within 0..60")
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
    def asrun_grace(self) -> timedelta:
        return timedelta(minutes=self.asrun_grace_minutes)

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
    def broker_device_key_path(self) -> Path:
        return self.broker_device_key_file or self.keys_dir / "broker-device-key"

    @property
    def signing_key_path(self) -> Path:
        return self.signing_key_file or self.keys_dir / "signing-ed25519.pem"

    @property
    def jwt_secret_path(self) -> Path:
        return self.token_secret_file or self.keys_dir / "jwt-secret"

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
