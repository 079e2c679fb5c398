"""Fault specifications: a small grammar for ``loa sim --faults`` and the Python API.

Grammar (whitespace is ignored)::

    SPEC  := FAULT ( ";" FAULT )*
    FAULT := NAME [ "=" VALUE ] [ "@" AT ] [ "+" FOR ] [ ":" WHO ]
    NAME  := link_down | power_loss | skew | corrupt | slow
    AT    := duration after the simulation started (default 0)
    FOR   := how long the fault lasts (default: until the end of the run)
    WHO   := all | N% | N | dev=ID[,ID...]        (default all; N = a number of devices)
    duration := NUMBER [ ms | s | m | h ]         (no unit = seconds)

``AT`` and ``FOR`` are simulated time (the fleet's clock, so ``--clock-speed`` compresses them;
at speed 1 they are wall-clock seconds). Which devices a ``N%``/``N`` fault hits is drawn with
a seeded random generator: the same spec, seed and fleet give the same devices.

| NAME         | VALUE                                  | effect while active                      |
|--------------|----------------------------------------|------------------------------------------|
| ``link_down``  | –                                      | no network (MQTT dropped, HTTP refused); |
|              |                                        | playback continues from the cache        |
| ``power_loss`` | –                                      | device off: RAM lost, disk cache kept;   |
|              |                                        | it boots again when the fault ends       |
| ``skew``       | signed duration, e.g. ``-90s``, ``+2m``    | the device clock is off by VALUE         |
| ``corrupt``    | number of downloads (default 1)        | the device's next N media downloads get  |
|              |                                        | flipped bytes (sha256 mismatch)          |
| ``slow``       | delay (e.g. ``250ms``), real time        | that delay per HTTP chunk / MQTT message |

Examples: ``link_down@60s+300s:10%`` · ``power_loss@2m+30s:dev=sim-s0001`` ·
``skew=-90s:5%`` · ``corrupt=2:3`` · ``slow=250ms@0+10m:20%``.

A broker restart is not a fault of the simulator: restart the broker; devices reconnect.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

FaultName = Literal["link_down", "power_loss", "skew", "corrupt", "slow"]
FAULT_NAMES: tuple[FaultName, ...] = ("link_down", "power_loss", "skew", "corrupt", "slow")

_FAULT_RE = re.compile(
    r"^(?P<name>[a-z_]+)"
    r"(?:=(?P<value>[+-]?[^@+:]+))?"
    r"(?:@(?P<at>[^+:]+))?"
    r"(?:\+(?P<for>[^:]+))?"
    r"(?::(?P<who>.+))?$"
)
_DURATION_RE = re.compile(r"^(?P<sign>[+-]?)(?P<num>\d+(?:\.\d+)?)(?P<unit>ms|s|m|h)?$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


class FaultSpecError(ValueError):
    """A fault specification does not follow the grammar (the message says where)."""


def parse_duration(text: str, *, signed: bool = False) -> float:
    match = _DURATION_RE.match(text.strip())
    if not match or (match["sign"] and not signed):
        raise FaultSpecError(f"bad duration {text!r}: expected e.g. 90, 90s, 250ms, 5m, 1h")
    value = float(match["num"]) * _UNITS[match["unit"]]
    return -value if match["sign"] == "-" else value


@dataclass(frozen=True)
class Who:
    """Which devices a fault hits: every device, a share, a number, or named ids."""

    mode: Literal["all", "percent", "count", "ids"] = "all"
    amount: float = 0.0
    ids: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> Who:
        text = (text or "all").strip()
        if text == "all":
            return cls()
        if text.startswith("dev="):
            ids = tuple(part.strip() for part in text[4:].split(",") if part.strip())
            if not ids:
                raise FaultSpecError("dev= needs at least one device id")
            return cls("ids", ids=ids)
        try:
            if text.endswith("%"):
                share = float(text[:-1])
                if not 0 <= share <= 100:
                    raise ValueError
                return cls("percent", share)
            count = int(text)
            if count < 0:
                raise ValueError
            return cls("count", count)
        except ValueError:
            raise FaultSpecError(f"bad target {text!r}: expected all, N%, N or dev=ID[,ID...]") from None

    def select(self, device_ids: Sequence[str], rng: random.Random) -> list[str]:
        if self.mode == "all":
            return list(device_ids)
        if self.mode == "ids":
            known = set(device_ids)
            return [i for i in self.ids if i in known]
        k = round(self.amount * len(device_ids) / 100) if self.mode == "percent" else int(self.amount)
        if self.mode == "percent" and self.amount > 0:
            k = max(k, 1)
        k = min(k, len(device_ids))
        chosen = set(rng.sample(list(device_ids), k))
        return [i for i in device_ids if i in chosen]  # fleet order, deterministic


@dataclass(frozen=True)
class FaultSpec:
    name: FaultName
    at_s: float = 0.0
    for_s: float | None = None
    value: float = 0.0  # skew seconds, slow seconds, corrupt count
    who: Who = Who()

    def targets(self, device_ids: Sequence[str], *, seed: int = 0, index: int = 0) -> list[str]:
        return self.who.select(device_ids, random.Random(f"{seed}:{index}:{self.name}"))


def parse_fault(text: str) -> FaultSpec:
    compact = "".join(text.split())
    match = _FAULT_RE.match(compact)
    if not match:
        raise FaultSpecError(f"bad fault {text!r}: expected NAME[=VALUE][@AT][+FOR][:WHO]")
    name = match["name"]
    if name not in FAULT_NAMES:
        raise FaultSpecError(f"unknown fault {name!r}: expected one of {', '.join(FAULT_NAMES)}")
    raw_value = match["value"]
    value = 0.0
    if name == "skew":
        if raw_value is None:
            raise FaultSpecError("skew needs a value, e.g. skew=-90s")
        value = parse_duration(raw_value, signed=True)
    elif name == "slow":
        if raw_value is None:
            raise FaultSpecError("slow needs a delay, e.g. slow=250ms")
        value = parse_duration(raw_value)
    elif name == "corrupt":
        try:
            value = float(int(raw_value)) if raw_value is not None else 1.0
        except ValueError:
            raise FaultSpecError(f"corrupt takes a number of downloads, not {raw_value!r}") from None
    elif raw_value is not None:
        raise FaultSpecError(f"{name} takes no value")
    at = parse_duration(match["at"]) if match["at"] else 0.0
    length = parse_duration(match["for"]) if match["for"] else None
    if length is not None and length <= 0:
        raise FaultSpecError(f"{name}: the duration after + must be positive")
    return FaultSpec(cast(FaultName, name), at, length, value, Who.parse(match["who"]))


def parse_faults(spec: str | None) -> list[FaultSpec]:
    """Every fault of a ``--faults`` value (empty or None: no faults)."""
    if not spec:
        return []
    return [parse_fault(part) for part in spec.split(";") if part.strip()]
