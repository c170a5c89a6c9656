"""The setups searchapp is measured against, each built and queried in its own process.

naive    jieba's bundled ChineseAnalyzer on one stored Whoosh TEXT field, the default
         writer (or writer(procs=2, multisegment=True)), QueryParser + highlights():
         what a first attempt looks like, and the baseline of every ratio.
sqlite   SQLite FTS5 with the trigram tokenizer (stdlib sqlite3): exact substrings.
tantivy  tantivy (Rust) fed jieba cut_for_search tokens: the speed anchor.

They index the same paragraphs (corpora.paragraphs_of) and answer the `q` text of the
mix (they have no filters or facets) with the top 10 hits and a highlighted snippet each.

    python bench/engines.py build ENGINE CORPUS_DIR INDEX_DIR [--procs N]
    python bench/engines.py query ENGINE INDEX_DIR [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from corpora import paragraphs_of
from queries import MIX, percentiles

Search = Callable[[str, int], int]  # (q, page) -> hits shown, highlights included


# --- naive Whoosh -----------------------------------------------------------------------------

def build_naive(corpus: Path, index_dir: Path, procs: int) -> int:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    schema = fields.Schema(doc=fields.ID(stored=True),
                           body=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()))
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(index_dir, schema)
    writer = ix.writer(procs=procs, multisegment=True) if procs > 1 else ix.writer()
    count = 0
    for report_id, n, text in paragraphs_of(corpus):
        writer.add_document(doc=f"{report_id}#{n}", body=text)
        count += 1
    writer.commit()
    return count


def open_naive(index_dir: Path) -> Search:
    from whoosh import index
    from whoosh.qparser import QueryParser

    ix = index.open_dir(index_dir)
    searcher = ix.searcher()
    parser = QueryParser("body", ix.schema)

    def search(q: str, page: int) -> int:
        hits = searcher.search_page(parser.parse(q), page, pagelen=10)
        return sum(1 for hit in hits if hit.highlights("body") is not None)

    return search


# --- SQLite FTS5 trigram ----------------------------------------------------------------------

def build_sqlite(corpus: Path, index_dir: Path, procs: int) -> int:
    index_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(index_dir / "fts.db")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(doc UNINDEXED, body, tokenize='trigram')")
    with db:
        db.executemany("INSERT INTO p(doc, body) VALUES (?, ?)",
                       ((f"{r}#{n}", text) for r, n, text in paragraphs_of(corpus)))
    count = db.execute("SELECT count(*) FROM p").fetchone()[0]
    db.close()
    return count


def open_sqlite(index_dir: Path) -> Search:
    db = sqlite3.connect(index_dir / "fts.db", check_same_thread=False)

    def search(q: str, page: int) -> int:
        sql, args = _sqlite_query(q)
        rows = db.execute(sql + " LIMIT 10 OFFSET ?", (*args, 10 * (page - 1))).fetchall()
        return len(rows)

    return search


def _sqlite_query(q: str) -> tuple[str, list[str]]:
    """Trigram MATCH (ranked, highlight()) when every word has 3+ characters; otherwise a
    scan with instr() (the trigram index can't help below 3 characters, and this build's
    LIKE wrongly finds nothing for such patterns)."""
    words = [w.strip('"') for w in q.split()]
    either = "OR" in words
    words = [w for w in words if w != "OR"]
    if all(len(w.lstrip("-")) >= 3 for w in words) and not words[0].startswith("-"):
        expression = (" OR " if either else " ").join(
            f'NOT "{w[1:]}"' if w.startswith("-") else f'"{w}"' for w in words)
        return ("SELECT doc, highlight(p, 1, '<b>', '</b>') FROM p WHERE p MATCH ? "
                "ORDER BY rank", [expression])
    tests = [f"instr(body, ?) {'=' if w.startswith('-') else '>'} 0" for w in words]
    values = [w.lstrip("-") for w in words]
    return f"SELECT doc, body FROM p WHERE {(' OR ' if either else ' AND ').join(tests)}", values


# --- tantivy ----------------------------------------------------------------------------------

def build_tantivy(corpus: Path, index_dir: Path, procs: int) -> int:
    import jieba
    import tantivy

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = tantivy.Index(_tantivy_schema(), path=str(index_dir))
    writer = ix.writer(heap_size=256_000_000, num_threads=max(1, procs))
    count = 0
    for report_id, n, text in paragraphs_of(corpus):
        writer.add_document(tantivy.Document(doc=f"{report_id}#{n}", body=text,
                                             words=" ".join(jieba.cut_for_search(text))))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def _tantivy_schema():  # noqa: ANN202
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("doc", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", stored=True, index_option="basic")
    builder.add_text_field("words", stored=True, tokenizer_name="whitespace")
    return builder.build()


def open_tantivy(index_dir: Path) -> Search:
    import jieba
    import tantivy

    ix = tantivy.Index.open(str(index_dir))
    searcher = ix.searcher()

    def term(word: str) -> str:
        tokens = [t for t in jieba.cut(word.strip('"')) if t.strip()]
        return tokens[0] if len(tokens) == 1 else '"' + " ".join(tokens) + '"'

    def search(q: str, page: int) -> int:
        words = q.split()
        if "OR" in words:
            text = " OR ".join(term(w) for w in words if w != "OR")
        else:
            text = " ".join(("-" + term(w[1:])) if w.startswith("-") else "+" + term(w)
                            for w in words)
        query = ix.parse_query(text, ["words"])
        hits = searcher.search(query, 10, offset=10 * (page - 1)).hits
        snippets = tantivy.SnippetGenerator.create(searcher, query, ix.schema, "words")
        return sum(1 for _, address in hits
                   if snippets.snippet_from_doc(searcher.doc(address)).to_html() is not None)

    return search


# --- measuring --------------------------------------------------------------------------------

ENGINES: dict[str, tuple[Callable[[Path, Path, int], int], Callable[[Path], Search]]] = {
    "naive": (build_naive, open_naive),
    "sqlite": (build_sqlite, open_sqlite),
    "tantivy": (build_tantivy, open_tantivy),
}


def measure_queries(search: Search, repeat: int) -> dict:
    """Same shape as libquery.measure: a first pass, then `repeat` warm passes."""
    mix = [(name, str(p["q"]), int(p.get("page", 1))) for name, p in MIX if p.get("q")]
    search("预热", 1)  # loads jieba's dictionary: start-up, not query time
    first, warm = {}, {name: [] for name, _, _ in mix}
    for round_ in range(repeat + 1):
        for name, q, page in mix:
            started = time.perf_counter()
            shown = search(q, page)
            elapsed = (time.perf_counter() - started) * 1000
            if round_ == 0:
                first[name] = (elapsed, shown)
            else:
                warm[name].append(elapsed)
    every = [ms for ms, _ in first.values()] + [ms for v in warm.values() for ms in v]
    return {"overall": percentiles(every),
            "cold_pass": percentiles([ms for ms, _ in first.values()]),
            "queries": {name: {"shown": first[name][1], "first_ms": first[name][0],
                               "warm": percentiles(warm[name])} for name, _, _ in mix},
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("build", "query"))
    parser.add_argument("engine", choices=sorted(ENGINES))
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    build, open_ = ENGINES[args.engine]
    if args.mode == "build":
        started = time.perf_counter()
        count = build(args.paths[0], args.paths[1], args.procs)
        print(json.dumps({"paragraphs": count, "seconds": time.perf_counter() - started}))
    else:
        print(json.dumps(measure_queries(open_(args.paths[0]), args.repeat)))


if __name__ == "__main__":
    main()
