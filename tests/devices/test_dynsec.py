"""Mosquitto's dynamic-security plugin as Loa drives it: the JSON written before a start
(existing devices migrate by hash), paging through a fleet larger than one page, the
standalone broker's merge of fixed accounts, and the ACLs of DESIGN.md §4."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.broker import Account, BrokerError, MosquittoBroker, dynsec, hash_password_mosquitto
from devices.broker.dynsec import (
    DEVICE_MARK,
    device_acls,
    hash_fields,
    merge_fixed_accounts,
    render_config,
)
from devices.mqtt import MqttAuthError, MqttClient
from tests.brokers import free_port, mosquitto_binary, require_mosquitto

pytestmark = pytest.mark.broker


def test_device_acls_are_exactly_design_section_4() -> None:
    acls = {(a["acltype"], a["topic"]) for a in device_acls("spk-1")}
    assert acls == {
        ("subscribeLiteral", "loa/v1/dev/spk-1/manifest"), ("publishClientReceive", "loa/v1/dev/spk-1/manifest"),
        ("subscribeLiteral", "loa/v1/dev/spk-1/cmd"), ("publishClientReceive", "loa/v1/dev/spk-1/cmd"),
        ("subscribeLiteral", "loa/v1/dev/spk-1/asrun/ack"), ("publishClientReceive", "loa/v1/dev/spk-1/asrun/ack"),
        ("publishClientSend", "loa/v1/dev/spk-1/status"), ("publishClientSend", "loa/v1/dev/spk-1/asrun"),
        ("subscribePattern", "loa/v1/area/+/alert"), ("publishClientReceive", "loa/v1/area/+/alert"),
    }


def test_hash_fields_take_mosquitto_hashes_and_refuse_what_the_plugin_cannot_load() -> None:
    fields = hash_fields(hash_password_mosquitto("secret"))
    assert fields is not None and fields["iterations"] == 101
    assert hash_fields("$6$c2FsdA==$aGFzaA==") is None
    assert hash_fields("$7$101$!!$!!") is None


def test_merge_keeps_device_accounts_and_replaces_fixed_ones() -> None:
    old = render_config(Account.from_password("loa-admin", "old"), [], [Account.from_password("spk-1", "p")])
    new = render_config(Account.from_password("loa-admin", "new"), [], [])
    merged = merge_fixed_accounts(old, new)
    by_name = {c["username"]: c for c in merged["clients"]}
    assert set(by_name) == {"loa-admin", "spk-1"} and by_name["spk-1"]["textname"] == DEVICE_MARK
    assert by_name["loa-admin"]["password"] == next(c for c in new["clients"])["password"]
    assert {r["rolename"] for r in merged["roles"]} == {"loa-admin", "loa-server", "loa-dev-spk-1"}


def test_a_fleet_larger_than_one_page_is_listed_and_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dynsec, "LIST_PAGE", 250)
    require_mosquitto()
    hashed = hash_password_mosquitto("legacy")  # one hash for all: the test is about size
    devices = [Account(f"spk-{i:04d}", hashed) for i in range(1100)]
    broker = MosquittoBroker(tmp_path, free_port(), binary=mosquitto_binary())
    broker.update_accounts(devices, Account.from_password("loa-server", "server-pass"))
    broker.start()
    try:
        listed = broker.admin().list_clients()
        assert {d.username for d in devices} <= set(listed) and len(listed) == 1102  # + admin, server
        MqttClient(broker.url, username="spk-1099", password="legacy", client_id="spk-1099").connect(5)
        with pytest.raises(MqttAuthError):
            MqttClient(broker.url, username="spk-1099", password="legacy", client_id="spk-0001").connect(5)
    finally:
        broker.stop()


def test_mosquitto_without_the_plugin_falls_back_rather_than_run_unbound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from devices.broker import create_managed_broker

    require_mosquitto()
    monkeypatch.setenv("LOA_DYNSEC_PLUGIN", str(tmp_path / "missing.so"))
    assert create_managed_broker(tmp_path, free_port()).kind == "amqtt"
    with pytest.raises(BrokerError, match="dynamic_security"):
        create_managed_broker(tmp_path, free_port(), kind="mosquitto")
