"""Managed MQTT broker: generated credentials and ACL, Mosquitto or the amqtt fallback.

``start_managed_broker`` is what ``loa serve`` calls when ``LOA_MQTT_URL`` is not set. It never
falls back to an existing unauthenticated broker: it starts its own on loopback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from devices.broker.credentials import (
    Account,
    hash_password_mosquitto,
    verify_password_mosquitto,
    write_credentials,
)
from devices.broker.fallback import FALLBACK_DEVICE_LIMIT, AmqttBroker
from devices.broker.mosquitto import MosquittoBroker, find_dynsec_plugin, find_mosquitto
from devices.broker.process import BrokerError, ManagedBroker

__all__ = [
    "DEFAULT_PORT",
    "FALLBACK_DEVICE_LIMIT",
    "Account",
    "AmqttBroker",
    "BrokerError",
    "ManagedBroker",
    "MosquittoBroker",
    "create_managed_broker",
    "find_mosquitto",
    "hash_password_mosquitto",
    "start_managed_broker",
    "verify_password_mosquitto",
    "write_credentials",
]

log = logging.getLogger(__name__)

# Loopback port of the managed broker in production: never 1883, where an unrelated (possibly
# anonymous) broker may already listen. server/settings.py has the same value.
DEFAULT_PORT = 18830

BrokerKind = Literal["mosquitto", "amqtt"]


def create_managed_broker(directory: Path, port: int, *, kind: BrokerKind | None = None) -> ManagedBroker:
    """The broker object, not started: Mosquitto when installed (or asked for), else amqtt."""
    binary = find_mosquitto() if kind in (None, "mosquitto") else None
    if kind == "mosquitto" and binary is None:
        raise BrokerError("mosquitto was requested but the binary is not installed")
    if binary is not None and kind is None and find_dynsec_plugin() is None:
        # Accounts bound to client ids need the plugin; without it the fallback binds them.
        log.warning("mosquitto is installed without mosquitto_dynamic_security.so: using the fallback broker")
        binary = None
    if binary is not None:
        return MosquittoBroker(directory, port, binary=binary)
    log.warning(
        "Mosquitto is not installed: using the pure-Python amqtt fallback broker "
        "(MQTT 3.1.1 only, no shared subscriptions, retained messages lost on restart, "
        "suitable for about %d devices). Install mosquitto for production.",
        FALLBACK_DEVICE_LIMIT,
    )
    return AmqttBroker(directory, port)


def start_managed_broker(
    directory: Path,
    port: int,
    accounts: Iterable[Account],
    server_account: Account,
    *,
    kind: BrokerKind | None = None,
    timeout: float = 15.0,
) -> ManagedBroker:
    """Write credentials and ACL into ``directory``, start the broker, wait until it listens."""
    broker = create_managed_broker(Path(directory), port, kind=kind)
    accounts = list(accounts)
    if broker.kind == "amqtt" and len(accounts) > FALLBACK_DEVICE_LIMIT:
        log.warning(
            "%d devices exceed what the amqtt fallback broker was measured to handle (%d): install mosquitto",
            len(accounts),
            FALLBACK_DEVICE_LIMIT,
        )
    broker.update_accounts(accounts, server_account)
    broker.start(timeout)
    return broker
