"""The simulated device's disk: what a reboot reads back is exactly what was written last."""

from __future__ import annotations

from pathlib import Path

from firmware_sim.store import DeviceStore, write_file


def test_a_shorter_write_leaves_no_tail_of_the_longer_one(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    write_file(path, b"x" * 5000)
    write_file(path, b'{"seq": 2}')
    assert path.read_bytes() == b'{"seq": 2}'
    write_file(path, b"")
    assert path.read_bytes() == b""


def test_state_manifest_and_alerts_survive_a_new_store_on_the_same_disk(tmp_path: Path) -> None:
    store = DeviceStore(tmp_path / "spk-1")
    store.save_state({"last_seq": {"loa/v1/area/P01/alert": 7}, "volume": 80})
    store.save_state({"last_seq": {}})  # shorter than the first
    store.save_manifest(b'{"payload": "m"}')
    store.save_alerts({"loa/v1/area/P01/alert": b'{"payload": "a"}'}, [b'{"payload": "s1"}', b'{"payload": "a"}'])

    rebooted = DeviceStore(tmp_path / "spk-1")
    assert rebooted.load_state() == {"last_seq": {}}
    assert rebooted.load_manifest() == b'{"payload": "m"}'
    assert rebooted.load_alerts() == ({"loa/v1/area/P01/alert": b'{"payload": "a"}'},
                                      [b'{"payload": "s1"}', b'{"payload": "a"}'])
