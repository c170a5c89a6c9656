"""The session-signing key every worker of every app server must agree on.

With SQLite it is the file `secret_key` in the instance folder (mode 0600), as it always
was; with PostgreSQL it is a row of app_secret, so servers on other machines share it.
Either way it is created once, atomically, by whichever process asks first: the others
lose the race harmlessly and read the winner's key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from searchapp.state.database import Database

KEY_FILE = "secret_key"
KEY_NAME = "session_key"


def session_key(db: Database) -> bytes:
    if db.instance_dir is not None:
        return key_file(db.instance_dir)
    fresh = secrets.token_bytes(32).hex()
    with db.transaction() as tx:
        tx.execute("INSERT INTO app_secret (name, value) VALUES (?, ?) "
                   "ON CONFLICT (name) DO NOTHING", (KEY_NAME, fresh))
        value = tx.execute("SELECT value FROM app_secret WHERE name = ?",
                           (KEY_NAME,)).fetchone()[0]
    return bytes.fromhex(value)


def key_file(instance_dir: Path) -> bytes:
    """Read the key file, creating it atomically if absent (workers may race on first start)."""
    path = instance_dir / KEY_FILE
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        tmp = instance_dir / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        tmp.write_bytes(secrets.token_bytes(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # fails if another worker won the race: then use theirs
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()
