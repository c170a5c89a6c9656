"""Generation-wide columns: the parts' columns merged once, at build time, and mapped.

Why: facets, filters and ranking want one id column per field over the whole generation
(np.bincount, a mask per distinct value), but each part numbers its values on its own.
Merging them in every serving worker at start cost ~1 s and some 40 bytes a paragraph of
private memory at 1.26 M paragraphs (and would be GBs across workers at 10 M). So the
build merges them beside live.npy and tie.npy (incremental builds too: they are rewritten
with those), and each worker maps them: pages shared, nothing built per paragraph.

Layout, under <generation>/store/ (each file written via a new inode, as live.npy):
    whole.json            the value of each id, per ID_COLUMNS name and "region", "year"
    whole.<name>.npy      per docnum: int32 ids (-1: none) of ID_COLUMNS, region (the
                          first name of the place), year_id; int32 n (paragraph number),
                          year (0: unknown), date (20230329, 0: unknown), length
                          (characters of the body); bool heading; and live_docs (sorted
                          int32: every live docnum)
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np


class Part(Protocol):
    """What merging reads of a part (columns.Part has it; no import: columns imports this)."""

    columns: dict[str, np.ndarray]
    values: dict[str, list]
    offsets: np.ndarray

NONE = -1  # as columns.NONE: no value
PREFIX = "whole."
VALUES = "whole.json"
ID_COLUMNS = {"report": "reports", "place": "places", "section": "sections",
              "level": "levels", "top_section": "top_sections",
              "title": "titles"}  # part column -> value list
ARRAYS = (*ID_COLUMNS, "region", "year_id", "n", "year", "date", "length", "heading",
          "live_docs")


@dataclass(frozen=True)
class Whole:
    """The generation-wide columns (memory-mapped) and the values their ids point to."""

    arrays: dict[str, np.ndarray]  # ARRAYS
    values: dict[str, list]  # ID_COLUMNS names (places as [region, *parents]), region, year


def merged(parts: Sequence[Part], live: np.ndarray) -> Whole:
    """The generation-wide columns of `parts` (in docnum order; columns, offsets and values
    are enough: columns.load_columns)."""
    arrays, values = {}, {}
    for name, kind in ID_COLUMNS.items():
        arrays[name], values[name] = concat_values(parts, name, kind)
    arrays["region"], values["region"] = _regions(arrays["place"], values["place"])
    year = _concat([p.columns["year"] for p in parts], np.int32)
    arrays["year_id"], values["year"] = _years(year)
    arrays |= {"year": year, "n": _concat([p.columns["n"] for p in parts], np.int32),
               "date": _concat([p.columns["date"] for p in parts], np.int32),
               "length": _concat([np.diff(p.offsets) - 1 for p in parts], np.int32),
               "heading": _concat([p.columns["heading_level"] > 0 for p in parts], bool),
               "live_docs": np.flatnonzero(live).astype(np.int32)}
    return Whole(arrays, values)


def save(root: Path, whole: Whole) -> None:
    """Write the generation-wide columns into a store folder (new inodes: an older
    generation may share the folder's other files through hard links)."""
    for name in ARRAYS:
        tmp = root / f"{PREFIX}{name}.npy.tmp"
        with open(tmp, "wb") as f:
            np.save(f, whole.arrays[name])
        os.replace(tmp, root / f"{PREFIX}{name}.npy")
    tmp = root / (VALUES + ".tmp")
    tmp.write_text(json.dumps(whole.values, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, root / VALUES)


def load(root: Path, size: int) -> Whole:
    """The generation-wide columns of a store folder, mapped (ValueError when they do not
    cover `size` docnums, or their ids point past their values)."""
    arrays = {name: _mapped(root / f"{PREFIX}{name}.npy") for name in ARRAYS}
    values = json.loads((root / VALUES).read_text(encoding="utf-8"))
    if any(len(array) != size for name, array in arrays.items() if name != "live_docs"):
        raise ValueError(f"the generation-wide columns of {root} do not cover {size} docnums")
    named = {**{name: name for name in ID_COLUMNS}, "region": "region", "year_id": "year"}
    if not isinstance(values, dict) or any(
            len(arrays[name]) and int(arrays[name].max()) >= len(values.get(kind, ()))
            for name, kind in named.items()):
        raise ValueError(f"{root / VALUES} does not hold the values the ids point to")
    return Whole(arrays, values)


def concat_values(parts: Sequence[Part], name: str, kind: str) -> tuple[np.ndarray, list]:
    """A per-part id column turned into one generation-wide id column over one value list
    (places, levels, ...): what facets and filters count with np.bincount."""
    ids, positions = [], {}
    for part in parts:
        local = [positions.setdefault(_hashable(v), len(positions)) for v in part.values[kind]]
        mapping = np.asarray(local + [NONE], dtype=np.int32)  # NONE (-1) maps to itself
        ids.append(mapping[part.columns[name]])
    values = [list(v) if isinstance(v, tuple) else v for v in positions]
    return _concat(ids, np.int32), values


def _regions(place: np.ndarray, places: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    """Region names as written (the first of each place's names), merged by name."""
    names = list(dict.fromkeys(names[0] for names in places))
    position = {name: i for i, name in enumerate(names)}
    of_place = np.asarray([position[names[0]] for names in places] + [NONE], np.int32)
    return of_place[place], names


def _years(year: np.ndarray) -> tuple[np.ndarray, list[str]]:
    values = np.unique(year[year > 0])
    ids = np.searchsorted(values, year).astype(np.int32)
    ids[year <= 0] = NONE
    return ids, [str(v) for v in values.tolist()]


def _mapped(path: Path) -> np.ndarray:
    array = np.load(path, mmap_mode="r", allow_pickle=False)
    return np.asarray(array) if array.size else np.load(path, allow_pickle=False)


def _concat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value
