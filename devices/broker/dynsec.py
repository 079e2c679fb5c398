"""Mosquitto's dynamic-security plugin: Loa's accounts, roles and client-id bindings.

Mosquitto 2.0's password/ACL files cannot bind an account to a client id, so any device could
connect with another device's (or the server's) client id and knock it off. The plugin can:
every device account carries ``clientid = username``. It is managed over MQTT
(``$CONTROL/dynamic-security/v1``) by an admin account, so any server process can enrol,
rotate and revoke without writing files.

Two ways in: ``render_config`` writes the plugin's JSON before the broker starts (it accepts
the ``$7$`` PBKDF2-SHA512 hashes the database keeps, so existing devices migrate without their
passwords); ``DynsecAdmin`` changes a running broker (the control API takes only plaintext
passwords, which the server can re-derive for devices enrolled with a derivation key).

Mosquitto 2.0.11's plugin has no ``%u``/``%c`` patterns in ACLs: each device gets its own role.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from devices.broker.acl import PATTERN_RULES, SERVER_RULES, Rule
from devices.broker.credentials import Account

log = logging.getLogger(__name__)

PLUGIN_PATHS = (
    "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so",
    "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so",
    "/usr/lib/mosquitto_dynamic_security.so",
    "/usr/local/lib/mosquitto_dynamic_security.so",
)
CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC = f"{CONTROL_TOPIC}/response"
ADMIN_USERNAME = "loa-admin"
ADMIN_ROLE = "loa-admin"
SERVER_ROLE = "loa-server"
DEVICE_ROLE_PREFIX = "loa-dev-"
DEVICE_MARK = "loa-device"  # textname of device clients: reconcile never touches other accounts
BATCH = 200  # commands per control message (one message stays well under 1 MiB)
LIST_PAGE = 1000  # clients per listClients answer


PasswordSource = Callable[[Account], "str | None"]


class DynsecError(RuntimeError):
    """The broker refused or did not answer a dynamic-security command."""


def device_role(username: str) -> str:
    return f"{DEVICE_ROLE_PREFIX}{username}"


def fingerprint(password_hash: str) -> str:
    """Stored as the client's textdescription: tells reconcile whether the broker has the
    database's current password without the broker ever revealing a hash."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def _acl(rule: Rule) -> list[dict[str, Any]]:
    wildcard = "+" in rule.topic or "#" in rule.topic
    acls: list[dict[str, Any]] = []
    if rule.allows("read"):
        kind = "subscribePattern" if wildcard else "subscribeLiteral"
        acls += [{"acltype": kind, "topic": rule.topic, "allow": True},
                 {"acltype": "publishClientReceive", "topic": rule.topic, "allow": True}]
    if rule.allows("write"):
        acls.append({"acltype": "publishClientSend", "topic": rule.topic, "allow": True})
    return acls


def device_acls(username: str) -> list[dict[str, Any]]:
    """DESIGN.md §4 for one device, with its id written out (no %u in 2.0.11's plugin)."""
    rules = [Rule(r.access, r.topic.replace("%u", username)) for r in PATTERN_RULES]
    return [acl for rule in rules for acl in _acl(rule)]


def server_acls() -> list[dict[str, Any]]:
    return [acl for rule in SERVER_RULES for acl in _acl(rule)]


def admin_acls() -> list[dict[str, Any]]:
    return [
        {"acltype": "publishClientSend", "topic": f"{CONTROL_TOPIC}", "allow": True},
        {"acltype": "subscribeLiteral", "topic": RESPONSE_TOPIC, "allow": True},
        {"acltype": "publishClientReceive", "topic": RESPONSE_TOPIC, "allow": True},
    ]


def hash_fields(password_hash: str) -> dict[str, Any] | None:
    """The plugin's ``password``/``salt``/``iterations`` for a ``$7$`` hash (same PBKDF2-SHA512,
    12-byte salt, 64-byte digest); None for what the plugin cannot load (legacy ``$6$``)."""
    parts = password_hash.split("$")
    if len(parts) != 5 or parts[1] != "7":
        return None
    try:
        salt, digest = base64.b64decode(parts[3]), base64.b64decode(parts[4])
        iterations = int(parts[2])
    except ValueError:
        return None
    if len(salt) != 12 or len(digest) != 64:
        return None
    return {"password": parts[4], "salt": parts[3], "iterations": iterations}


@dataclass(frozen=True)
class ServerLogin:
    """A server account: bound to ``client_id`` when given (publisher, ingest), else unbound
    (``loa-server``, for operator tools); devices can never use it, their accounts are bound."""

    account: Account
    client_id: str | None = None

    def fingerprint(self) -> str:
        """From the password when known: several processes hash it with different salts."""
        if self.account.password is None:
            return fingerprint(self.account.password_hash)
        return fingerprint(f"server\n{self.account.username}\n{self.account.password}")


def _client_entry(account: Account, role: str, *, client_id: str | None, textname: str) -> dict[str, Any] | None:
    fields = hash_fields(account.password_hash)
    if fields is None:
        log.warning("broker account %s has a hash the dynamic-security plugin cannot load; skipped",
                    account.username)
        return None
    entry: dict[str, Any] = {"username": account.username, "textname": textname,
                             "textdescription": fingerprint(account.password_hash),
                             "roles": [{"rolename": role}], "groups": [], **fields}
    if client_id:
        entry["clientid"] = client_id
    return entry


def render_config(admin: Account, servers: Sequence[ServerLogin], devices: Iterable[Account]) -> dict[str, Any]:
    """The plugin's JSON: written before start, from the database (the source of truth)."""
    clients = [_client_entry(admin, ADMIN_ROLE, client_id=None, textname="loa-admin")]
    for login in servers:
        entry = _client_entry(login.account, SERVER_ROLE, client_id=login.client_id, textname="loa-server")
        if entry is not None:
            entry["textdescription"] = login.fingerprint()
        clients.append(entry)
    roles = [{"rolename": ADMIN_ROLE, "acls": admin_acls()}, {"rolename": SERVER_ROLE, "acls": server_acls()}]
    for account in devices:
        entry = _client_entry(account, device_role(account.username), client_id=account.username,
                              textname=DEVICE_MARK)
        if entry is not None:
            clients.append(entry)
            roles.append({"rolename": device_role(account.username), "acls": device_acls(account.username)})
    return {
        # Nothing is allowed unless a role says so; receiving too, so a role bug cannot leak.
        "defaultACLAccess": {"publishClientSend": False, "publishClientReceive": False,
                             "subscribe": False, "unsubscribe": True},
        "clients": [c for c in clients if c is not None],
        "groups": [],
        "roles": roles,
    }


def merge_fixed_accounts(existing: dict[str, Any], fresh: dict[str, Any]) -> dict[str, Any]:
    """``existing`` (a running standalone broker's saved state) with the non-device clients and
    roles of ``fresh`` (admin, server logins) replacing theirs; device accounts untouched."""
    fixed_clients = {c["username"] for c in fresh["clients"] if c.get("textname") != DEVICE_MARK}
    fixed_roles = {r["rolename"] for r in fresh["roles"] if not r["rolename"].startswith(DEVICE_ROLE_PREFIX)}
    clients = [c for c in existing.get("clients", []) if c.get("username") not in fixed_clients]
    roles = [r for r in existing.get("roles", []) if r.get("rolename") not in fixed_roles]
    return {
        **existing,
        "defaultACLAccess": fresh["defaultACLAccess"],
        "clients": [c for c in fresh["clients"] if c["username"] in fixed_clients] + clients,
        "roles": [r for r in fresh["roles"] if r["rolename"] in fixed_roles] + roles,
    }


def create_device_commands(account: Account) -> list[dict[str, Any]]:
    """A new device account and its role. Mosquitto 2.0.11's plugin rewrites its whole JSON
    after every command, so each device costs as few commands as possible."""
    role = device_role(account.username)
    return [
        {"command": "createRole", "rolename": role, "acls": device_acls(account.username)},
        {"command": "createClient", **_device_fields(account)},
    ]


def modify_device_commands(account: Account) -> list[dict[str, Any]]:
    """An existing device's new password (or binding): one command, and the plugin disconnects
    the device's current session, so an old password stops working at once."""
    return [{"command": "modifyClient", **_device_fields(account)}]


def _device_fields(account: Account) -> dict[str, Any]:
    if account.password is None:
        raise DynsecError(f"no password for {account.username}: it cannot be created over MQTT")
    return {"username": account.username, "password": account.password, "clientid": account.username,
            "textname": DEVICE_MARK, "textdescription": fingerprint(account.password_hash),
            "roles": [{"rolename": device_role(account.username)}]}


def _tolerated(command: dict[str, Any], error: str) -> bool:
    """Deleting what is already gone, or re-creating a role that survived, is fine."""
    error = error.lower()
    name = str(command.get("command"))
    return (name.startswith("delete") and "not found" in error) or (name == "createRole" and "already exists" in error)


def delete_device_commands(username: str) -> list[dict[str, Any]]:
    return [{"command": "deleteClient", "username": username},
            {"command": "deleteRole", "rolename": device_role(username)}]


def server_commands(login: ServerLogin, existing: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Create a server account, or correct its password/binding; nothing when it is right
    (recreating it would kick the server's own live connection)."""
    account, fp = login.account, login.fingerprint()
    if existing is not None and existing.get("textdescription") == fp and existing.get("clientid") == login.client_id:
        return []
    if account.password is None:
        raise DynsecError(f"no password for server account {account.username}")
    create = {"command": "createClient", "username": account.username, "password": account.password,
              "textname": "loa-server", "textdescription": fp, "roles": [{"rolename": SERVER_ROLE}]}
    if login.client_id:
        create["clientid"] = login.client_id
    role = {"command": "createRole", "rolename": SERVER_ROLE, "acls": server_acls()}
    return [{"command": "deleteClient", "username": account.username}, role, create]


class DynsecAdmin:
    """Sends control commands on an admin connection and waits for the broker's answers."""

    def __init__(self, client: Any, timeout: float = 60.0) -> None:
        self.client = client  # a connected devices.mqtt.MqttClient with the admin account
        self.timeout = timeout
        self._lock = threading.Lock()  # one request in flight: answer matching stays simple
        self._cond = threading.Condition()
        self._answers: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        # Unique across processes: every admin session subscribed to the response topic may see
        # another process's answers.
        self._prefix = secrets.token_hex(6)

    def start(self) -> None:
        self.client.subscribe(RESPONSE_TOPIC, qos=1, callback=self._on_response)

    def _on_response(self, message: Any) -> None:
        try:
            body = json.loads(message.payload)
        except ValueError:
            return
        if not isinstance(body, dict) or not str(_tag(body) or "").startswith(self._prefix):
            return  # another process's answer
        with self._cond:
            self._answers.append(body)
            self._cond.notify_all()

    def run(self, commands: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send ``commands`` (in batches), return one response per command."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(commands), BATCH):
            out += self._run_batch(commands[start:start + BATCH])
        return out

    def _run_batch(self, commands: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        with self._lock:
            tag = f"{self._prefix}-{next(self._ids)}"
            tagged = [{**c, "correlationData": tag} for c in commands]
            with self._cond:
                self._answers.clear()
            self.client.publish(CONTROL_TOPIC, json.dumps({"commands": tagged}), qos=1, timeout=self.timeout)

            def answered() -> bool:
                return any(_tag(a) == tag for a in self._answers)

            with self._cond:
                if not self._cond.wait_for(answered, self.timeout):
                    raise DynsecError(f"no dynamic-security answer within {self.timeout:.0f} s")
                body = next(a for a in self._answers if _tag(a) == tag)
            return list(body.get("responses", []))

    def check(self, commands: Sequence[dict[str, Any]]) -> None:
        """Run and raise on an unexpected error."""
        for command, answer in zip(commands, self.run(commands), strict=False):
            error = str(answer.get("error") or "")
            if error and not _tolerated(command, error):
                target = command.get("username", command.get("rolename", ""))
                raise DynsecError(f"{command['command']} {target}: {error}")

    def list_clients(self) -> dict[str, dict[str, Any]]:
        """Every client, in pages of LIST_PAGE: answers stay bounded (~170 bytes per client)
        however large the fleet."""
        found: dict[str, dict[str, Any]] = {}
        while True:
            answers = self.run([{"command": "listClients", "verbose": True, "count": LIST_PAGE,
                                 "offset": len(found)}])
            data = (answers[0].get("data") or {}) if answers else {}
            page = data.get("clients", [])
            found.update((str(c["username"]), c) for c in page)
            if len(page) < LIST_PAGE or len(found) >= int(data.get("totalCount", 0)):
                return found

    def get_clients(self, usernames: Sequence[str]) -> set[str]:
        """Which of ``usernames`` exist (read-only commands: the plugin saves nothing)."""
        answers = self.run([{"command": "getClient", "username": name} for name in usernames])
        return {name for name, answer in zip(usernames, answers, strict=False) if not answer.get("error")}

    def apply_devices(
        self, upserts: Iterable[Account], removals: Iterable[str], existing: Iterable[str] | None = None
    ) -> None:
        upserts = list(upserts)
        present = set(existing) if existing is not None else self.get_clients([a.username for a in upserts])
        commands = [cmd for name in removals for cmd in delete_device_commands(name)]
        for account in upserts:
            make = modify_device_commands if account.username in present else create_device_commands
            commands += make(account)
        if commands:
            self.check(commands)

    def ensure_servers(self, logins: Sequence[ServerLogin]) -> None:
        existing = self.list_clients()
        commands = [cmd for s in logins for cmd in server_commands(s, existing.get(s.account.username))]
        if commands:
            self.check(commands)

    def reconcile(self, devices: Sequence[Account], password_for: PasswordSource | None = None) -> dict[str, int]:
        """Make the broker's device accounts exactly ``devices``: add the missing, correct
        changed passwords, remove the revoked and unknown. ``password_for`` supplies plaintext
        only for the accounts that need it (deriving all of a large fleet costs seconds)."""
        existing = self.list_clients()
        wanted = {a.username: a for a in devices}
        removals = [n for n, c in existing.items() if c.get("textname") == DEVICE_MARK and n not in wanted]
        upserts, underivable = [], 0
        for name, account in wanted.items():
            have = existing.get(name)
            if have is not None and have.get("textdescription") == fingerprint(account.password_hash) \
                    and have.get("clientid") == name:
                continue
            if account.password is None and password_for is not None:
                account = replace(account, password=password_for(account))
            if account.password is None:
                underivable += 1  # enrolled before derivation keys: only the start-up file can carry it
                continue
            upserts.append(account)
        self.apply_devices(upserts, removals, existing)
        if underivable:
            log.warning("%d device account(s) missing on the broker have no derivable password", underivable)
        return {"added_or_updated": len(upserts), "removed": len(removals), "underivable": underivable}


def _tag(answer: dict[str, Any]) -> str | None:
    responses = answer.get("responses")
    first = responses[0] if isinstance(responses, list) and responses else None
    tag = first.get("correlationData") if isinstance(first, dict) else None
    return str(tag) if tag is not None else None
