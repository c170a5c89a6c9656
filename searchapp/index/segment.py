"""A Whoosh segment written straight through Whoosh's codec, postings counted beforehand.

Whoosh's own writer sends every posting through a sorting pool and a Python
call (~8 µs each: most of a reindex). Here the postings of a whole batch are
counted and sorted with numpy, and each posting list is written a block at a
time in the W3Codec block format, uncompressed (zlib saved little on these
short lists and cost a fifth of the writing time), so Whoosh reads the files
as if it had written them itself; a block's doc deltas and frequencies are
pickled as compact arrays (_array_codes), which Whoosh's reader takes as it takes
its own tuples.

Files: Whoosh's (the TOC `_MAIN_<n>.toc`, and per segment `MAIN_<id>.trm`,
`.pst`, `_stored.col`, `_body_len.col`); a segment never changes once written,
only the TOC's per-segment deletion sets do.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import md5
from pathlib import Path

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.index import _DEF_INDEX_NAME, TOC
from whoosh.util.numeric import _length_byte_cache

INDEX_NAME = _DEF_INDEX_NAME
CODEC = W3Codec(compression=0)
BLOCK = 128  # postings per block, as W3Codec's default
CHUNK = 8192  # blocks pickled per write: bounds the writer's lists and buffer
ARRAY_BYTES = 80  # what pickling an array adds to its items' bytes
_TERMINFO = struct.Struct("!BfIBBfII")  # W3TermInfo's layout, written for a whole field at once
_EXTENT = struct.Struct("!qi")  # offset (long) and length (int) of a posting list
_BLOCK_LENGTH = struct.Struct("!i")
_RECORD_LENGTHS = struct.Struct("!ii")  # HashWriter's key and value lengths
# W3's STORED_COLUMN, PickleColumn(CompressedBytesColumn(level=0)), is this column fed
# each value pickled (protocol 2) and deflated (level 0): _write_documents does both itself
_STORED_BYTES = columns.VarBytesColumn()
_LENGTH_BYTES = np.asarray(_length_byte_cache, dtype=np.int64)


@dataclass(frozen=True)
class Postings:
    """Posting lists of one field of a segment, in Whoosh's term order."""

    terms: list[bytes]  # UTF-8, ascending
    starts: np.ndarray  # int64, len(terms) + 1: postings of terms[i] are [starts[i], starts[i+1])
    docs: np.ndarray  # int64 docnums within the segment, ascending within a term
    freqs: np.ndarray | None  # per posting; None for an existence-only (ID) field


def postings_from_tokens(terms: Sequence[str], tokens: np.ndarray, doc_of_token: np.ndarray,
                         freqs: bool = True) -> Postings:
    """Count (term, doc) pairs; `tokens` are ids into `terms`, one per occurrence."""
    encoded = [t.encode("utf-8") for t in terms]
    order = sorted(range(len(encoded)), key=encoded.__getitem__)
    rank = np.empty(len(encoded), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(encoded), dtype=np.int64)
    pairs = (rank[tokens] << 32) | doc_of_token.astype(np.int64)
    pairs, counts = np.unique(pairs, return_counts=True)
    ranks = pairs >> 32
    present = np.flatnonzero(np.bincount(ranks, minlength=len(encoded)))
    starts = np.searchsorted(ranks, np.append(present, len(encoded)))
    return Postings([encoded[order[r]] for r in present.tolist()], starts.astype(np.int64),
                    pairs & 0xFFFFFFFF, counts if freqs else None)


def write_segment(directory: Path, stored: Sequence[dict],
                  postings: dict[str, Postings], lengths: dict[str, np.ndarray]) -> W3Segment:
    """Write one new segment of len(stored) documents into `directory` (no TOC yet).

    `lengths`: per scored field, the number of tokens of each document.
    """
    storage = FileStorage(str(directory))
    segment = CODEC.new_segment(storage, INDEX_NAME)
    segment.set_doc_count(len(stored))
    _write_documents(storage, segment, stored, lengths)
    _write_fields(storage, segment, postings, lengths)
    return segment


def _write_documents(storage: FileStorage, segment: W3Segment, stored: Sequence[dict],
                     lengths: dict[str, np.ndarray]) -> None:
    """The stored-fields and field-length columns, as W3PerDocWriter lays them out.

    Stored fields are deflated at level 0: report text barely compresses (-28 %)
    and level 3 cost ten times the pickling. Each stored object is pickled and deflated
    once however many documents share it (writing.py gives every one the same empty
    dict: Whoosh stores nothing), not once per document as STORED_COLUMN's writer would."""
    blobs: dict[int, bytes] = {}  # id of a stored object -> its pickled, deflated bytes
    with _column(storage, segment, "_stored", _STORED_BYTES) as column:
        for docnum, values in enumerate(stored):
            blob = blobs.get(id(values))
            if blob is None:
                blob = blobs[id(values)] = zlib.compress(pickle.dumps(values, 2), 0)
            column.add(docnum, blob)
    for name, counts in lengths.items():
        with _column(storage, segment, f"_{name}_len", LENGTHS_COLUMN) as column:
            for docnum, byte in enumerate(_length_byte(counts).tolist()):
                column.add(docnum, byte)
    segment._fieldlengths = {name: int(counts.sum()) for name, counts in lengths.items()}


@contextmanager
def _column(storage: FileStorage, segment: W3Segment, name: str,
            kind: columns.Column) -> Iterator[columns.ColumnWriter]:
    file = segment.create_file(storage, f".{name}{W3Codec.COLUMN_EXT}")
    writer = kind.writer(file)
    yield writer
    writer.finish(segment.doc_count_all())
    file.close()


def _write_fields(storage: FileStorage, segment: W3Segment,
                  postings: dict[str, Postings], lengths: dict[str, np.ndarray]) -> None:
    terms = _TermIndex(segment.create_file(storage, W3Codec.TERMS_EXT))
    fieldmap = terms.extras["fieldmap"] = {}
    postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
    for number, name in enumerate(sorted(postings)):
        fieldmap[name] = number
        infos = _write_posting_lists(postfile, postings[name], lengths.get(name))
        prefix = struct.pack("!H", number)
        terms.add_sorted([prefix + term for term in postings[name].terms], infos)
    terms.close()
    postfile.close()


class _TermIndex(OrderedHashWriter):
    """Whoosh's term table (an ordered on-disk hash), filled a field at a time."""

    def add_sorted(self, keys: list[bytes], values: list[bytes]) -> None:
        """What add() does for each (key, value), keys ascending, in one write."""
        if not keys:
            return
        if keys[0] <= self.lastkey:
            raise ValueError(f"keys must increase: {self.lastkey!r}..{keys[0]!r}")
        position = self.dbfile.tell()
        records = []
        for key, value in zip(keys, values, strict=True):
            record = _RECORD_LENGTHS.pack(len(key), len(value)) + key + value
            h = int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")  # md5_hash
            self.buckets[h & 255].append((h, position))
            self.index.append(position)
            records.append(record)
            position += len(record)
        self.dbfile.write(b"".join(records))
        self.lastkey = keys[-1]


def _write_posting_lists(postfile, postings: Postings,  # noqa: ANN001 - a whoosh StructFile
                         field_lengths: np.ndarray | None) -> list[bytes]:
    """Every posting list of a field, in W3LeafMatcher's block format; returns the
    W3TermInfo bytes of each term. Block statistics are computed with numpy; the Python
    loop only pickles and writes, CHUNK blocks at a time, so its lists and buffer stay
    small however large the segment (a whole-field buffer cost 5× the postings' size)."""
    if not postings.terms:
        return []
    docs, starts = postings.docs, postings.starts
    n = len(docs)
    term_of = np.repeat(np.arange(len(postings.terms)), np.diff(starts))
    within = np.arange(n) - starts[term_of]
    del term_of
    first_in_block = within % BLOCK == 0
    del within
    block_starts = np.flatnonzero(first_in_block)
    block_ends = np.append(block_starts[1:], n)
    weights = (postings.freqs if postings.freqs is not None else np.ones(n)).astype(np.float32)
    lengths = field_lengths[docs] if field_lengths is not None else np.zeros(n, np.int64)
    length_bytes = _length_byte(lengths).astype(np.uint8)
    deltas = docs - np.where(first_in_block, 0, np.roll(docs, 1))
    del first_in_block
    last_of_term = np.zeros(len(block_starts), dtype=bool)
    last_of_term[np.searchsorted(block_starts, starts[1:] - 1, side="right") - 1] = True
    extents: list[tuple[int, int]] = []
    position = postfile.tell()
    term_start = position
    for c in range(0, len(block_starts), CHUNK):
        chunk = slice(c, c + CHUNK)
        lo, hi = int(block_starts[c]), int(block_ends[chunk][-1])
        stats = _block_stats(block_starts[chunk] - lo, weights[lo:hi], length_bytes[lo:hi])
        freqs = postings.freqs[lo:hi] if postings.freqs is not None \
            else np.ones(hi - lo, np.int64)
        delta_list, weight_list = deltas[lo:hi].tolist(), freqs.tolist()
        delta_codes = _array_codes(deltas[lo:hi], block_starts[chunk] - lo)
        weight_codes = _array_codes(freqs, block_starts[chunk] - lo)
        values = postings.freqs[lo:hi].astype(">u4").tobytes() \
            if postings.freqs is not None else None
        out = bytearray()
        for b, start, end, last, last_doc, block, delta_code, weight_code in zip(
                range(c, c + len(stats)), (block_starts[chunk] - lo).tolist(),
                (block_ends[chunk] - lo).tolist(), last_of_term[chunk].tolist(),
                docs[block_ends[chunk] - 1].tolist(), stats, delta_codes, weight_codes,
                strict=True):
            if b == 0 or last_of_term[b - 1]:  # a term's first block: its header first
                term_start = position + len(out)
                out += WHOOSH3_HEADER_MAGIC
            count, maxweight, minlen, maxlen, same, all_one = block
            block_weights = None if all_one else (
                float(weight_list[start]) if same
                else _sequence(weight_list[start:end], weight_code))
            data = pickle.dumps((_sequence(delta_list[start:end], delta_code), block_weights,
                                 values[4 * start:4 * end] if values is not None else None),
                                pickle.HIGHEST_PROTOCOL)
            info = pickle.dumps((count, last_doc, maxweight, 0, minlen, maxlen), 2)
            size = len(info) + len(data)
            out += _BLOCK_LENGTH.pack(-size if last else size)
            out += info
            out += data
            if last:
                extents.append((term_start, position + len(out) - term_start))
        postfile.write(bytes(out))
        position += len(out)
    return _term_infos(postings, weights, lengths, extents)


def _array_codes(numbers: np.ndarray, starts: np.ndarray) -> list[str]:
    """How each block of `numbers` (doc deltas or term frequencies; blocks begin at
    `starts`) is pickled in the fewest bytes: "" for a tuple of ints (2, 3 or 5 bytes
    each), else the code of an array of 1, 2 or 4-byte items, when that is smaller
    despite its ~80 bytes of pickling (a block's first doc delta is the docnum itself). A
    pickled float took 9 bytes a posting: half the word postings' size. Decided for a
    chunk of blocks at once: numpy called per block cost a third of the segment writing."""
    counts = np.diff(np.append(starts, len(numbers)))
    as_tuple = 2 * counts + np.add.reduceat((numbers >= 1 << 8).astype(np.int64), starts) \
        + 2 * np.add.reduceat((numbers >= 1 << 16).astype(np.int64), starts)
    top = np.maximum.reduceat(numbers, starts)
    size = np.where(top < 1 << 8, 1, np.where(top < 1 << 16, 2, 4))
    smaller = (counts * 5 >= ARRAY_BYTES) & (size * counts + ARRAY_BYTES < as_tuple)
    return np.where(smaller, np.asarray(["", "B", "H", "", "I"])[size], "").tolist()


def _sequence(numbers: list[int], code: str) -> tuple[int, ...] | array:
    return array(code, numbers) if code else tuple(numbers)


def _length_byte(lengths: np.ndarray) -> np.ndarray:
    """whoosh.util.numeric.length_to_byte for an array (0 for no length)."""
    return np.minimum(np.searchsorted(_LENGTH_BYTES, lengths, side="left"), 255)


def _block_stats(block_starts: np.ndarray, weights: np.ndarray,
                 length_bytes: np.ndarray) -> list[tuple]:
    counts = np.diff(np.append(block_starts, len(weights)))
    maxweight = np.maximum.reduceat(weights, block_starts)
    minweight = np.minimum.reduceat(weights, block_starts)
    minlen = np.minimum.reduceat(length_bytes, block_starts)
    maxlen = np.maximum.reduceat(length_bytes, block_starts)
    same = maxweight == minweight
    all_one = same & (maxweight == 1.0)
    return list(zip(counts.tolist(), maxweight.tolist(), minlen.tolist(), maxlen.tolist(),
                    same.tolist(), all_one.tolist(), strict=True))


def _term_infos(postings: Postings, weights: np.ndarray, lengths: np.ndarray,
                extents: list[tuple[int, int]]) -> list[bytes]:
    starts = postings.starts[:-1]
    total = np.add.reduceat(weights.astype(np.float64), starts).tolist()
    maxweight = np.maximum.reduceat(weights, starts).tolist()
    scored = lengths > 0
    minlen = np.minimum.reduceat(np.where(scored, lengths, np.iinfo(np.int64).max), starts)
    minlen_byte = np.where(minlen == np.iinfo(np.int64).max, 0, _length_byte(minlen)).tolist()
    maxlen_byte = _length_byte(np.maximum.reduceat(lengths, starts)).tolist()
    df = np.diff(postings.starts).tolist()
    first = postings.docs[starts].tolist()
    last = postings.docs[postings.starts[1:] - 1].tolist()
    return [_TERMINFO.pack(0, total[i], df[i], minlen_byte[i], maxlen_byte[i], maxweight[i],
                           first[i], last[i]) + _EXTENT.pack(*extents[i])
            for i in range(len(df))]


# ------------------------------------------------------------------------- the TOC


def has_toc(directory: Path) -> bool:
    return TOC._latest_generation(FileStorage(str(directory)), INDEX_NAME) >= 0


def read_segments(directory: Path) -> list[W3Segment]:
    """The segments of the latest TOC in `directory` (with their deletion sets)."""
    return list(TOC.read(FileStorage(str(directory)), INDEX_NAME).segments)


def write_toc(directory: Path, schema: Schema, segments: Sequence[W3Segment]) -> None:
    """Make `segments` the index in `directory`: a new TOC generation, older TOCs removed
    (in a build directory those are hard links: the published generation keeps its own)."""
    storage = FileStorage(str(directory))
    generation = TOC._latest_generation(storage, INDEX_NAME) + 1
    TOC(schema, list(segments), generation).write(storage, INDEX_NAME)
    for old in directory.glob(f"_{INDEX_NAME}_*.toc"):
        if old.name != TOC._filename(INDEX_NAME, generation):
            old.unlink()
