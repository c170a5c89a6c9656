"""Settings: defaults, then SEARCHAPP_* environment variables, then CLI flags.

One value object passed into every entry point (CLI commands, create_app), so
tests can build their own and nothing reads globals at import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Settings:
    corpus: tuple[Path, ...] = (Path("seeds"),)
    index_dir: Path = Path("index")
    # Saved searches (SQLite) and the session key. None: instance_path(), next to the index.
    instance_dir: Path | None = None
    # PostgreSQL URL for saved searches, owners and the session key, shared by several app
    # servers; None: SQLite in the instance folder.
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    # Host names the web app answers to; None: LOCAL_HOSTS and `host`; ("*",): any.
    allowed_hosts: tuple[str, ...] | None = None

    def with_overrides(self, **changes: object) -> Settings:
        """Apply CLI flags; a None value means 'flag not given'. Each --corpus value is split
        on the path separator like SEARCHAPP_CORPUS, so `--corpus a:b` means what the
        variable means."""
        corpus = changes.get("corpus")
        if isinstance(corpus, tuple | list):
            changes["corpus"] = corpus_paths(str(p) for p in corpus)
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def instance_path(self) -> Path:
        """The instance folder. By default it sits next to the index (`<index>/../instance`,
        made absolute), so saved searches do not depend on the directory serve started in."""
        if self.instance_dir is not None:
            return self.instance_dir
        return self.index_dir.resolve().parent / "instance"

    def trusted_hosts(self) -> list[str] | None:
        """The Host header values to accept (ports ignored); None accepts any valid host."""
        hosts = self.allowed_hosts if self.allowed_hosts is not None \
            else (*LOCAL_HOSTS, self.host)
        if "*" in hosts:
            return None
        return list(dict.fromkeys(_bracketed(h.strip().lower()) for h in hosts if h.strip()))


def corpus_paths(values: Iterable[str]) -> tuple[Path, ...]:
    """Corpus paths from flags or SEARCHAPP_CORPUS: one rule for both, each value split on
    os.pathsep (':' on POSIX), empty parts dropped."""
    return tuple(Path(part) for value in values for part in value.split(os.pathsep) if part)


def _bracketed(host: str) -> str:
    """IPv6 addresses as they appear in a Host header: [::1]."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    settings = Settings()
    if env.get("SEARCHAPP_CORPUS"):
        settings = replace(settings, corpus=corpus_paths([env["SEARCHAPP_CORPUS"]]))
    if env.get("SEARCHAPP_INDEX"):
        settings = replace(settings, index_dir=Path(env["SEARCHAPP_INDEX"]))
    if env.get("SEARCHAPP_INSTANCE"):
        settings = replace(settings, instance_dir=Path(env["SEARCHAPP_INSTANCE"]))
    if env.get("SEARCHAPP_DATABASE_URL", "").strip():
        settings = replace(settings, database_url=env["SEARCHAPP_DATABASE_URL"].strip())
    if env.get("SEARCHAPP_ALLOWED_HOSTS", "").strip():
        hosts = env["SEARCHAPP_ALLOWED_HOSTS"].split(",")
        settings = replace(settings, allowed_hosts=tuple(h.strip() for h in hosts if h.strip()))
    return settings
