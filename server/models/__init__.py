"""All tables. Each feature module defines its own; importing this package registers them all
on SQLModel.metadata (Alembic's autogenerate and the drift test rely on that)."""

from __future__ import annotations

import importlib
import pkgutil

for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")
