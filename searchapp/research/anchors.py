"""Stable paragraph anchors: ids that survive a reindex which inserts or splits lines above.

A paragraph's number (`#p-42`) moves when an earlier line is split; its text does not. So
the anchor is a short hash of the normalised text with whitespace removed (`p-1a2b3c4d`),
and a later paragraph with the same text gets `-2`, `-3`… on the page. A permalink carries
both the number and the hash (`?p=42&a=1a2b3c4d#p-1a2b3c4d`): nothing of the old report is
stored, so when no paragraph has that hash any more the server lands on the paragraph
nearest the old number and says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from searchapp.model import Paragraph
from searchapp.text.normalize import normalize, normalize_all

VECTORISED_FROM = 30  # texts: fewer are folded one by one
HASH_CHARS = 8  # 32 bits: a collision inside one report (~1,000 paragraphs) is ~1 in 10^4


def text_hash(text: str) -> str:
    """The hash part of a paragraph's anchor: width, case and spacing changes keep it."""
    return text_hashes([text])[0]


def text_hashes(texts: Sequence[str]) -> list[str]:
    """text_hash of each text, folded in one vectorised pass for many (a report, a page of
    export rows: folding a paragraph alone costs more than hashing it), one by one for a
    page of hits (the vectorised pass costs ~0.25 ms however few texts it gets)."""
    texts = list(texts)
    folded = normalize_all(texts) if len(texts) > VECTORISED_FROM else map(normalize, texts)
    return [hashlib.blake2b("".join(f.split()).encode("utf-8"),
                            digest_size=8).hexdigest()[:HASH_CHARS] for f in folded]


def anchors(paragraphs: Sequence[Paragraph]) -> list[str]:
    """The element id of each paragraph, in order; unique within the report."""
    return unique_ids(text_hashes([p.text for p in paragraphs]))


def unique_ids(hashes: Sequence[str]) -> list[str]:
    """`p-<hash>`, and `p-<hash>-2`, `-3`… for a hash seen before in the report."""
    seen: dict[str, int] = {}
    ids = []
    for h in hashes:
        seen[h] = seen.get(h, 0) + 1
        ids.append(f"p-{h}" if seen[h] == 1 else f"p-{h}-{seen[h]}")
    return ids


def permalink(doc: str, n: int, text: str) -> str:
    """The site-relative permalink of paragraph `n` (text `text`) of report `doc`."""
    return link(doc, n, text_hash(text))


def link(doc: str, n: int, h: str) -> str:
    """permalink() given the text's hash."""
    return f"/doc/{quote(doc)}?p={n}&a={h}#p-{h}"


@dataclass(frozen=True)
class Target:
    """Where a permalink lands: the paragraph's element id, and whether it had changed."""

    n: int
    anchor: str
    changed: bool


def resolve(paragraphs: Sequence[Paragraph], args: Mapping[str, str]) -> Target | None:
    """The paragraph a permalink's `p` (number) and `a` (hash) point to: the paragraph with
    that hash nearest the number; if none has it, the paragraph nearest the number, marked
    changed. None when the link names no paragraph (or nonsense)."""
    n = _number(args.get("p"))
    wanted = (args.get("a") or "").strip().lower()
    if not paragraphs or (n is None and not wanted):
        return None
    ids = anchors(paragraphs)
    near = n if n is not None else 0
    if wanted:
        same = [i for i, h in enumerate(text_hashes([p.text for p in paragraphs]))
                if h == wanted]
        if same:
            best = min(same, key=lambda i: (abs(paragraphs[i].n - near), i))
            return Target(paragraphs[best].n, ids[best], False)
        if n is None:
            return None
    best = min(range(len(paragraphs)), key=lambda i: (abs(paragraphs[i].n - near), i))
    return Target(paragraphs[best].n, ids[best], bool(wanted))


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 9 else None
