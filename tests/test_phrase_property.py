"""Phrase exactness, as a property over the seeds and the national reports.

For any string s of 1–12 characters taken from the corpus, the query "s"
returns exactly the paragraphs whose normalised text contains normalised s.
The strings are drawn by a seeded sampler (reproducible; 600 of them), and
compared with a brute-force scan of the stored texts.

Strings containing a double quote (" “ ” ＂) are not sampled: the query
language has no way to put one inside a quoted phrase. Leading/trailing
whitespace is not sampled either, as quoted phrases are trimmed.
"""

import random
from pathlib import Path

import pytest
from conftest import list_reports, load_report, opened

from searchapp.model import Query
from searchapp.search import searching as search
from searchapp.text.normalize import normalize

SAMPLES = 600
SEED = 20240305
QUOTES = set('"“”＂')

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def paragraphs(national_index: Path) -> dict[tuple[str, int], str]:
    """(report id, paragraph n) -> normalised text, for every indexed paragraph."""
    return {(report.id, p.n): normalize(p.text)
            for meta in list_reports(national_index)
            for report in [load_report(national_index, meta.id)]
            for p in report.paragraphs}


def sample_strings(texts: list[str], count: int, seed: int) -> list[str]:
    """Random substrings of 1–12 characters of random paragraphs (seeded, de-duplicated)."""
    rng = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        text = rng.choice(texts)
        size = rng.randint(1, 12)
        if len(text) < size:
            continue
        start = rng.randrange(len(text) - size + 1)
        s = text[start:start + size]
        if s.strip() == s and not QUOTES & set(s):
            found[s] = None
    return list(found)


def phrase_hits(index_dir: Path, s: str) -> set[tuple[str, int]]:
    hits: set[tuple[str, int]] = set()
    page, pages = 1, 1
    while page <= pages:
        results = search.run(opened(index_dir), Query(q=f'"{s}"', per_page=1000, page=page))
        assert results.notice is None
        hits |= {(h.doc, h.paragraph) for h in results.hits}
        pages, page = results.pages, page + 1
    return hits


def test_quoted_string_returns_exactly_the_paragraphs_containing_it(national_index,
                                                                   paragraphs):
    texts = sorted(set(paragraphs.values()))
    strings = sample_strings(texts, SAMPLES, SEED)
    assert {len(s) for s in strings} == set(range(1, 13))  # every phrase length is tried
    wrong = {}
    for s in strings:
        needle = normalize(s)
        expected = {key for key, text in paragraphs.items() if needle in text}
        actual = phrase_hits(national_index, s)
        if actual != expected:
            wrong[s] = (len(expected), len(actual))
    assert wrong == {}


@pytest.mark.parametrize("s", ["万人助万企", "改革开放", "乡村振兴", "１９５５", "經濟", "GDP"])
def test_quoted_examples_match_the_brute_force_scan(national_index, paragraphs, s):
    needle = normalize(s)
    assert phrase_hits(national_index, s) == {
        key for key, text in paragraphs.items() if needle in text}
