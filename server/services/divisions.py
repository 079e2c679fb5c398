"""Real administrative units from the `vietnam-provinces` package (34 provinces, 3,321 communes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from vietnam_provinces import Province, Ward


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    level: str
    parent_code: str | None


def province_code(number: int) -> str:
    return f"P{number:02d}"


def ward_code(number: int) -> str:
    return f"W{number:05d}"


def provinces() -> Iterator[Unit]:
    for p in Province.iter_all():
        yield Unit(province_code(p.code.value), p.name, "province", None)


def communes(province_number: int | None = None) -> Iterator[Unit]:
    for w in Ward.iter_all():
        if province_number is None or w.province_code.value == province_number:
            yield Unit(ward_code(w.code.value), w.name, "commune", province_code(w.province_code.value))


def province(number: int) -> Unit:
    for p in provinces():
        if p.code == province_code(number):
            return p
    raise KeyError(number)
