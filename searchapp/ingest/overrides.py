"""Sidecar overrides: NAME.meta.toml (or NAME.meta.json) next to a report fixes its metadata.

Extraction from text is a best guess; the user who knows better writes it down once, next to the
file, and it survives every reindex. For a collection (reports.jsonl / reports.csv) the sidecar's
top-level keys apply to every record and a table `[records.N]` (N = the record's line number in
a .jsonl, its row number in a .csv, as in the report id suffix) applies to one record.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from searchapp.ingest import metadata
from searchapp.model import LEVELS, Warn
from searchapp.text import regions

FIELDS = ("title", "region", "level", "year", "date", "source", "url", "parents")
SUFFIXES = (".meta.toml", ".meta.json")


def sidecar_path(report_path: Path) -> Path | None:
    """The sidecar of a report, if the user wrote one."""
    for suffix in SUFFIXES:
        candidate = report_path.with_name(report_path.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def load(report_path: Path, warn: Warn) -> dict[str, Any]:
    """The parsed sidecar; {} when absent or broken (with a warning)."""
    path = sidecar_path(report_path)
    if path is None:
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        warn(f"{path}: sidecar ignored, cannot read it ({exc})")
        return {}
    if not isinstance(data, dict):
        warn(f"{path}: sidecar ignored, expected a table of fields")
        return {}
    return data


def for_record(data: dict[str, Any], number: int | None) -> dict[str, Any]:
    """The overrides for one report: shared keys, then those of `[records.N]`."""
    values = {k: v for k, v in data.items() if k != "records"}
    if number is not None:
        records = data.get("records", {})
        values.update(records.get(str(number), {}) if isinstance(records, dict) else {})
    return values


def validate(values: dict[str, Any], label: str, warn: Warn) -> dict[str, Any]:
    """Keep well-formed fields; name each bad one in a warning instead of failing the report."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        fixed = _coerce(key, value)
        if fixed is None:
            warn(f"{label}: sidecar field {key!r} = {value!r} ignored ({_expected(key)})")
        else:
            clean[key] = fixed
    return clean


def _coerce(key: str, value: Any) -> Any:
    if key == "year":
        return metadata.parse_year(value)
    if key == "date":
        return metadata.normalize_date(str(value))
    if key == "level":
        return value if value in LEVELS else None
    if key == "parents":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return tuple(value) if ok else None
    if key in FIELDS:
        return value.strip() if isinstance(value, str) and value.strip() else None
    return None


def _expected(key: str) -> str:
    return {
        "year": "expected a year such as 2023",
        "date": "expected a date such as 2023-03-29",
        "level": f"expected one of {', '.join(LEVELS)}",
        "parents": "expected a list of region names, outermost first",
    }.get(key, f"expected text; known fields: {', '.join(FIELDS)}" if key in FIELDS
          else f"unknown field; known fields: {', '.join(FIELDS)}")


def apply(meta: metadata.Meta, values: dict[str, Any], context: str) -> None:
    """Overwrite fields; a new region brings its level and parents unless those are given too."""
    if "region" in values and values["region"] != meta.region:
        place = regions.resolve(values["region"], context)
        meta.level = place.level if place else None
        meta.parents = place.parents if place else ()
        if values["region"] == regions.NATIONAL:
            meta.level = "national"
    for key, value in values.items():
        setattr(meta, key, value)
