"""Settings: defaults, then SEARCHAPP_* environment variables, then CLI flags.

One value object passed into every entry point (CLI commands, create_app), so
tests can build their own and nothing reads globals at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    corpus: tuple[Path, ...] = (Path("seeds"),)
    index_dir: Path = Path("index")
    instance_dir: Path = Path("instance")  # saved searches (SQLite) live here
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    extra: dict[str, str] = field(default_factory=dict)

    def with_overrides(self, **changes: object) -> Settings:
        """Apply CLI flags; a None value means 'flag not given'."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    settings = Settings()
    if env.get("SEARCHAPP_CORPUS"):
        paths = env["SEARCHAPP_CORPUS"].split(os.pathsep)
        settings = replace(settings, corpus=tuple(Path(p) for p in paths if p))
    if env.get("SEARCHAPP_INDEX"):
        settings = replace(settings, index_dir=Path(env["SEARCHAPP_INDEX"]))
    if env.get("SEARCHAPP_INSTANCE"):
        settings = replace(settings, instance_dir=Path(env["SEARCHAPP_INSTANCE"]))
    return settings
