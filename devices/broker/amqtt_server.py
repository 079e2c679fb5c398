"""The amqtt 0.11.0 fallback broker as it runs in its own process.

Started by ``devices.broker.fallback`` as ``python -m devices.broker.amqtt_server --config FILE``.
Authentication checks the generated Mosquitto password file (``$7$`` PBKDF2, ~0.1 ms per check;
amqtt's own file plugin uses passlib's sha512_crypt, 116-380 ms) and topic checks apply
``devices.broker.acl``, the same rules Mosquitto gets. Two amqtt 0.11.0 holes are closed in ``LoaBroker``:

* a CONNECT with ``clean_session=0`` and a known client id resumed that session *with the
  stored credentials of its owner*, so anyone knowing a device's client id became that device;
  sessions are now resumed only by the same username, after checking the new credentials;
* a will message was published without any ACL check; a will on a topic the client may not
  write is dropped, as Mosquitto does;
* any account could take any client id, so a device could knock another device (or the
  server's ingest session) off; accounts are now bound as Mosquitto's dynamic security binds
  them: a device only to client id = its username, a bound server account only to its own id.

Plugins are loaded from the entry-point group ``loa.amqtt.broker.plugins``; when the package
does not declare it (see ``ENTRY_POINTS``), the group is supplied in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
from collections import deque
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from amqtt.broker import Action, Broker, BrokerContext
from amqtt.errors import AMQTTError, MQTTError, NoDataError
from amqtt.mqtt.connack import NOT_AUTHORIZED, ConnackPacket
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.plugins import manager as amqtt_manager
from amqtt.plugins.base import BasePlugin
from amqtt.session import Session
from amqtt.utils import gen_client_id

from devices.broker.acl import can_publish, can_subscribe, topic_matches
from devices.broker.amqtt_tables import RetainedTable, SubscriptionTable
from devices.broker.credentials import read_password_file, verify_password_mosquitto

log = logging.getLogger(__name__)

PLUGIN_NAMESPACE = "loa.amqtt.broker.plugins"
ENTRY_POINTS = {
    "loa_auth": "devices.broker.amqtt_server:PasswordFilePlugin",
    "loa_acl": "devices.broker.amqtt_server:TopicAclPlugin",
}


class AccountStore:
    """Password hashes and the server username, re-read on SIGHUP."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self.config: dict[str, Any] = {}
        self.users: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        self.config = json.loads(self.config_path.read_text(encoding="utf-8"))
        self.users = dict(read_password_file(Path(self.config["password_file"])))

    @property
    def server_username(self) -> str:
        return str(self.config["server_username"])

    def acl_server_name(self, username: str | None) -> str:
        """Bound server accounts get the server's rules (``acl`` grants them to that name)."""
        bound = self.config.get("bound_server_ids") or []
        return username if username and username in bound else self.server_username

    def client_id_allowed(self, username: str | None, client_id: str | None) -> bool:
        if username == self.server_username:
            return True  # unbound operator account (devices cannot use it: theirs are bound)
        return bool(client_id) and client_id == username

    def verify(self, username: str | None, password: str | None) -> bool:
        hashed = self.users.get(username or "")
        return hashed is not None and password is not None and verify_password_mosquitto(password, hashed)


def _store(context: Any) -> AccountStore:
    store = context.config["loa"]["store"]
    assert isinstance(store, AccountStore)
    return store


class PasswordFilePlugin(BasePlugin[BrokerContext]):
    async def authenticate(self, *, session: Session) -> bool:
        # False, never None: amqtt ignores None and would let the client in.
        return _store(self.context).verify(session.username, session.password)


class TopicAclPlugin(BasePlugin[BrokerContext]):
    async def topic_filtering(
        self, *, session: Session | None = None, topic: str | None = None, action: Action | None = None
    ) -> bool:
        if session is None or not topic:
            return False
        store = _store(self.context)
        server_name = store.acl_server_name(session.username)
        if action == Action.SUBSCRIBE:
            return can_subscribe(session.username, topic, server_name)
        return can_publish(session.username, topic, server_name)


class _EntryPointsWithLoa:
    """Stands in for ``importlib.metadata.entry_points()``: amqtt only calls ``.select(group=)``."""

    def select(self, *, group: str) -> metadata.EntryPoints:
        found = metadata.entry_points(group=group)
        if group != PLUGIN_NAMESPACE or found:
            return found
        return metadata.EntryPoints(metadata.EntryPoint(name, value, group) for name, value in ENTRY_POINTS.items())


def _install_entry_points() -> None:
    """Supply our plugin group when the installed package metadata does not declare it."""
    if not metadata.entry_points(group=PLUGIN_NAMESPACE):
        amqtt_manager.entry_points = _EntryPointsWithLoa


class LoaBroker(Broker):
    def __init__(self, store: AccountStore) -> None:
        cfg = store.config
        super().__init__(
            {
                "listeners": {
                    "default": {
                        "type": "tcp",
                        "bind": f"{cfg['host']}:{cfg['port']}",
                        "max_connections": -1,
                    }
                },
                "auth": {"plugins": list(ENTRY_POINTS), "allow-anonymous": False},
                "topic-check": {"enabled": True, "plugins": list(ENTRY_POINTS)},
                "loa": {"store": store},
            },
            plugin_namespace=PLUGIN_NAMESPACE,
        )
        self.store = store
        self._subscriptions: SubscriptionTable = SubscriptionTable()
        self._retained_messages: RetainedTable = RetainedTable()
        self._filters_of: dict[str, set[str]] = {}  # client id -> its filters, for O(1) cleanup

    async def _initialize_client_session(
        self, reader: Any, writer: Any, remote_address: str, remote_port: int
    ) -> tuple[BrokerProtocolHandler, Session]:
        """amqtt 0.11.0's version, with authentication *before* any stored session is touched."""
        try:
            handler, incoming = await BrokerProtocolHandler.init_from_connect(reader, writer, self.plugins_manager)
        except MQTTError:
            await writer.close()
            raise
        except (AMQTTError, NoDataError) as exc:
            raise AMQTTError(exc) from exc

        if not await self._authenticate(incoming, {}):
            log.info("refused %r from %s: not authorised", incoming.username, remote_address)
            await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
            await writer.close()
            raise MQTTError("not authorised")
        if not self.store.client_id_allowed(incoming.username, incoming.client_id):
            # Refused before any existing session is looked at: the victim stays connected.
            log.warning("refused %r from %s: client id %r is not bound to it",
                        incoming.username, remote_address, incoming.client_id)
            await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
            await writer.close()
            raise MQTTError("client id not allowed")
        if incoming.will_flag and not can_publish(
            incoming.username, incoming.will_topic or "", self.store.acl_server_name(incoming.username)
        ):
            log.warning("%s: will on %r is not allowed; dropped", incoming.username, incoming.will_topic)
            incoming.will_flag = False

        client_id = incoming.client_id
        old = self._sessions.get(client_id)[0] if client_id in self._sessions else None
        if not incoming.clean_session and old is not None and old.username == incoming.username:
            for attr in ("password", "will_flag", "will_retain", "will_qos", "will_topic", "will_message"):
                setattr(old, attr, getattr(incoming, attr))
            old.keep_alive = incoming.keep_alive
            old.parent = 1
            session = old
        else:
            if old is not None:  # clean start, or another account: never hand over the session
                await self._delete_session(client_id)
            if not client_id:
                incoming.client_id = gen_client_id()
            incoming.parent = 0
            session = incoming

        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0 and isinstance(delay, int):
            session.keep_alive += delay
        return handler, session

    async def _publish_retained_messages_for_subscription(
        self, subscription: tuple[str, int], session: Session
    ) -> None:
        """Retained messages for a new subscription, without upstream's regex scan of every
        retained message: exact filters (manifest, cmd) are a lookup, wildcard filters (area
        alerts) look only at topics under the filter's literal head."""
        topic_filter, qos = subscription
        handler = self._get_handler(session)
        if handler is None:
            return
        if "+" in topic_filter or "#" in topic_filter:
            found = self._retained_messages.matching(topic_filter)
        else:
            exact = self._retained_messages.get(topic_filter)
            found = [exact] if exact is not None else []
        if found:
            await asyncio.gather(
                *(handler.mqtt_publish(m.topic, m.data, min(qos, m.qos or qos), retain=True) for m in found),
                return_exceptions=True,  # a client gone mid-delivery must not break the broker loop
            )

    async def _add_subscription(self, subscription: tuple[str, int], session: Session) -> int:
        """amqtt 0.11.0's checks, but "already subscribed?" is a set lookup: upstream scans
        every subscriber of the filter, and all devices share ``loa/v1/area/+/alert``."""
        topic_filter, qos = subscription
        if "#" in topic_filter and not topic_filter.endswith("#"):
            return 0x80  # [MQTT-4.7.1-2]
        if topic_filter != "+" and "+" in topic_filter and "/+" not in topic_filter and "+/" not in topic_filter:
            return 0x80  # [MQTT-4.7.1-3]
        if not session.client_id or not await self._topic_filtering(session, topic_filter, Action.SUBSCRIBE):
            return 0x80
        max_qos = self.config.get("max-qos", qos)
        qos = min(qos, max_qos if isinstance(max_qos, int) else qos)
        mine = self._filters_of.setdefault(session.client_id, set())
        if topic_filter not in mine:
            if topic_filter not in self._subscriptions:
                self._subscriptions[topic_filter] = []
            self._subscriptions[topic_filter].append((session, qos))
            mine.add(topic_filter)
        return qos

    def _del_subscription(self, a_filter: str, session: Session) -> int:
        if session.client_id in self._filters_of:
            self._filters_of[session.client_id].discard(a_filter)
        return super()._del_subscription(a_filter, session)

    async def _del_all_subscriptions(self, session: Session) -> None:
        """Upstream scans every filter of every device on each disconnect: O(N) per client."""
        table = self._subscriptions
        for topic_filter in self._filters_of.pop(session.client_id or "", set()):
            if self._del_subscription(topic_filter, session) and not table.get(topic_filter, True):
                del table[topic_filter]  # not pop(): __delitem__ keeps the wildcard index right

    async def _run_broadcast(self, running_tasks: deque[asyncio.Task[Any]]) -> None:
        """amqtt 0.11.0's broadcast step, visiting only the filters that can match the topic."""
        broadcast = await self._broadcast_queue.get()
        topic = broadcast["topic"]
        table = self._subscriptions
        filters = [topic] if topic in table else []
        filters += [
            f
            for f in table.wildcards
            if topic_matches(topic, f)  # upstream's regex lets "a/#" match "ab" as well
        ]
        for topic_filter in filters:
            for target_session, sub_qos in list(table.get(topic_filter, ())):
                qos = broadcast.get("qos", sub_qos)
                if target_session.transitions.state != "connected":
                    await self._retain_broadcast_message(broadcast, qos, target_session)
                    continue
                handler = self._get_handler(target_session)
                if handler:
                    publish = handler.mqtt_publish(topic, broadcast["data"], qos, retain=False)
                    running_tasks.append(asyncio.ensure_future(publish))

    async def reload_accounts(self) -> None:
        """SIGHUP: re-read the files and drop connections whose credentials no longer hold."""
        try:
            self.store.reload()
        except (OSError, ValueError, KeyError):
            log.exception("reload failed; keeping the previous accounts")
            return
        dropped = 0
        for session, handler in list(self._sessions.values()):
            if session.transitions.state == "connected" and not self.store.verify(session.username, session.password):
                await handler.handle_connection_closed()
                dropped += 1
        log.info("reloaded %d accounts; disconnected %d revoked clients", len(self.store.users), dropped)


async def serve(config_path: Path) -> None:
    _install_entry_points()
    store = AccountStore(config_path)
    broker = LoaBroker(store)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Handlers before listening: the parent may send SIGHUP as soon as the port accepts.
    loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(broker.reload_accounts()))
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await broker.start()
    log.info("amqtt fallback broker listening on %s:%s", store.config["host"], store.config["port"])
    await stop.wait()
    try:
        await broker.shutdown()
    except (asyncio.CancelledError, Exception):  # amqtt cancels in-flight QoS1 deliveries
        log.warning("amqtt did not shut down cleanly", exc_info=True)


def run(config_path: Path) -> None:
    config = json.loads(config_path.read_text(encoding="utf-8"))
    logging.basicConfig(
        filename=config["log_file"],
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # amqtt logs every connection at INFO: too much at thousands of devices.
    for noisy in ("amqtt", "transitions", "loa.amqtt"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(serve(config_path))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Loa's amqtt fallback MQTT broker (child process).")
    parser.add_argument("--config", type=Path, required=True, help="JSON written by AmqttBroker")
    run(parser.parse_args(argv).config)


if __name__ == "__main__":
    # Run the importable copy of this module: plugins are loaded by entry point from
    # "devices.broker.amqtt_server", and two copies would not share AccountStore.
    from devices.broker.amqtt_server import main as _main

    _main()
