"""Broker fixtures for tests/devices: every broker test runs against Mosquitto and amqtt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.brokers import Kind, RunningBroker, require_mosquitto, start_test_broker

DEVICES = ("dev-a", "dev-b", "dev-c")


@pytest.fixture(
    scope="module",
    params=[pytest.param("mosquitto", marks=pytest.mark.broker), "amqtt"],
)
def broker_kind(request: pytest.FixtureRequest) -> Kind:
    kind: Kind = request.param
    if kind == "mosquitto":
        require_mosquitto()
    return kind


@pytest.fixture(scope="module")
def shared_broker(broker_kind: Kind, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBroker]:
    """One broker per kind and module, with the server account and DEVICES."""
    test = start_test_broker(tmp_path_factory.mktemp(f"broker-{broker_kind}"), broker_kind, DEVICES)
    yield test
    test.stop()
