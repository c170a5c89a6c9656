"""Bytes -> text for files dropped in by users: UTF-8 (with or without BOM), GB18030/GBK, Big5.

Reports come from government sites, scrapers and office exports, so the encoding is unknown and
sometimes damaged. We prefer a strict decode, then ask charset-normalizer, and as a last resort
decode with replacement characters and say how many bytes were lost, never failing the file.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Encodings charset-normalizer may propose that make sense for Chinese text.
_CJK = {"gb2312", "gbk", "gb18030", "cp936", "big5", "big5hkscs", "cp950", "hz", "utf_8"}


class NotText(ValueError):
    """The bytes are not a text report (empty or binary); the message says which."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # bytes that could not be decoded and became U+FFFD
    nul: int = 0  # NUL bytes dropped (a stray one must not cost the whole report)


def decode(data: bytes) -> Decoded:
    """Decode report bytes; raise NotText for empty or binary content."""
    if not data.strip():
        raise NotText("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _lenient(data, encoding)
    head = data[:8192]
    if len(_CONTROL_BYTES.findall(head)) * 100 > len(head):  # text has next to none
        detail = "contains NUL bytes" if b"\x00" in head else "control bytes"
        raise NotText(f"binary file ({detail}), not text")
    nul = data.count(b"\x00")  # no multi-byte character of UTF-8, GB18030 or Big5 has one
    return replace(_decode(data.replace(b"\x00", b"")), nul=nul)


def _decode(data: bytes) -> Decoded:
    for encoding in ("utf-8", "gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            if encoding == "utf-8" and _mostly_utf8(data):
                return _lenient(data, "utf-8")
            continue
        if not _PRIVATE_USE.search(text):  # Big5 bytes read as GB18030 land in private use
            return Decoded(text, encoding)
    return _guess(data)


def _mostly_utf8(data: bytes) -> bool:
    """A UTF-8 file with a few damaged bytes is still UTF-8: don't reread it as GB18030."""
    bad = _count_replaced(data, "utf-8")
    return bad * 200 < len(data)


def _guess(data: bytes) -> Decoded:
    # imported here: only a file in none of the usual encodings needs it (25 ms at start)
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is not None and best.encoding.lower() in _CJK:
        return _lenient(data, best.encoding)
    utf8, gb = _count_replaced(data, "utf-8"), _count_replaced(data, "gb18030")
    decoded = _lenient(data, "utf-8" if utf8 <= gb else "gb18030")
    if decoded.replaced * 5 > len(data):
        raise NotText(f"not text in any known encoding ({decoded.replaced} of {len(data)} bytes "
                      "undecodable)")
    return decoded


def _lenient(data: bytes, encoding: str) -> Decoded:
    text, replaced = _decode_counting(data, encoding)
    return Decoded(text, encoding, replaced)


def _count_replaced(data: bytes, encoding: str) -> int:
    return _decode_counting(data, encoding)[1]


def _decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """surrogateescape turns each undecodable byte into one lone surrogate we can count."""
    raw = data.decode(encoding, errors="surrogateescape")
    text, replaced = _SURROGATE.subn("\ufffd", raw)
    return text, replaced


_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # not \t\n\v\f\r or ESC
_SURROGATE = re.compile("[\udc80-\udcff]")
