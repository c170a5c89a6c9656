"""The `searchapp` command: a thin click skin over the library.

Each command is one library call plus printing; logic lives in the modules.
Errors have one path: every expected failure is an errors.SearchappError (or an OSError
naming a path) and is printed once, by `Main.invoke`, as one line with exit status 1;
anything else is a bug, reported as such with the file its traceback was written to.
Exit status 2 is bad usage (click's own).
"""

from __future__ import annotations

import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from searchapp import config
from searchapp.errors import SearchappError


class Main(click.Group):
    """The command group that turns every failure into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except SearchappError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            raise _failure(error) from None
        except Exception as error:  # noqa: BLE001 - a bug: say so, keep the traceback
            raise click.ClickException(_bug_report(error)) from None


def _bug_report(error: Exception) -> str:
    with tempfile.NamedTemporaryFile("w", prefix="searchapp-error-", suffix=".log",
                                     delete=False, encoding="utf-8") as log:
        log.write("".join(traceback.format_exception(error)))
    return (f"internal error ({type(error).__name__}: {error}); this is a bug in searchapp, "
            f"the traceback is in {log.name}")


@click.group(cls=Main)
@click.version_option(package_name="searchapp")
@click.pass_context
def main(ctx: click.Context) -> None:
    """政府工作报告检索 — full-text search over Chinese government work reports."""
    ctx.obj = config.from_env()


def _failure(error: OSError) -> click.ClickException:
    """One line for the user: a file-system error names the path."""
    if error.filename:
        reason = "not a directory" if isinstance(error, FileExistsError | NotADirectoryError) \
            else (error.strerror or str(error)).lower()
        return click.ClickException(f"cannot use {error.filename}: {reason}; check --index, "
                                    "--corpus and SEARCHAPP_INSTANCE")
    return click.ClickException(str(error))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print metadata and paragraphs as JSON.")
def parse(file: Path, as_json: bool) -> None:
    """Show what ingestion extracts from FILE: metadata and outline.

    A collection (.jsonl/.csv) prints every report; with --json, a list of objects.
    """
    from searchapp.ingest import corpus  # imported per command: `--help` stays instant
    from searchapp.render import outline

    warnings: list[str] = []
    reports = corpus.read_file(file, warnings.append)
    for message in warnings:
        click.echo(f"warning: {message}", err=True)
    if not reports:
        raise click.ClickException(f"{file}: no report could be read from it (see warnings above)")
    if as_json:
        click.echo(outline.render_json(reports, collection=corpus.is_collection(file)))
    else:
        click.echo(outline.render_text(reports))


@main.command()
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
              help="Report file or directory (repeatable). Default: seeds/ or $SEARCHAPP_CORPUS.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path),
              help="Index directory. Default: index/ or $SEARCHAPP_INDEX.")
@click.option("--full", is_flag=True, help="Rebuild everything instead of only what changed.")
@click.pass_obj
def reindex(settings: config.Settings, corpus: tuple[Path, ...], index_dir: Path | None,
            full: bool) -> None:
    """Build or update the search index from the corpus."""
    from searchapp.index import build  # loads whoosh/jieba: only for the commands that need them
    from searchapp.progress import Reporter

    settings = settings.with_overrides(corpus=corpus or None, index_dir=index_dir)
    reporter = Reporter()
    try:
        summary = build.reindex(settings.corpus, settings.index_dir, full=full,
                                progress=reporter, warn=reporter.warn)
    finally:
        reporter.close()
    click.echo(build.summary_line(summary))


def _query_options(command: Callable) -> Callable:
    """QUERY, --index, --region and --year: what search and timeline share."""
    for option in reversed([
            click.argument("query"),
            click.option("--index", "index_dir", type=click.Path(path_type=Path),
                         help="Index directory. Default: index/ or $SEARCHAPP_INDEX."),
            click.option("--region", help="Only this region and the places under it (孟州, 焦作)."),
            click.option("--year", help="A year (2023) or a range (2020..2023).")]):
        command = option(command)
    return command


@main.command()
@_query_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many paragraphs to print.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]),
              default="relevance", show_default=True,
              help="Best first, or by report date: newest or oldest first.")
@click.option("--original", is_flag=True,
              help="只看本地原创表述: leave out paragraphs mostly copied from a "
                   "higher-level report.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the results as JSON (same as the API).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]),
              help="Write the results as a file to stdout (README: Research tools).")
@click.option("--all", "every", is_flag=True,
              help="With --format: every result, not only the first --limit.")
@click.pass_obj
def search(settings: config.Settings, query: str, index_dir: Path | None, region: str | None,
           year: str | None, limit: int, sort: str, original: bool, as_json: bool,
           fmt: str | None, every: bool) -> None:
    """Search the index and print ranked, highlighted paragraphs.

    QUERY uses the query language (README: Searching): words, OR, -word, "phrase",
    =word, region: year: level: section: title:.
    """
    import json
    import sys

    from searchapp.index.read import Index
    from searchapp.model import Query
    from searchapp.render import terminal
    from searchapp.render.json import results_to_json
    from searchapp.search import searching
    from searchapp.search.params import SORT_ALIASES

    settings = settings.with_overrides(index_dir=index_dir)
    query, region, year = (_argv_text(v) if v else v for v in (query, region, year))
    sort = SORT_ALIASES.get(sort, sort)
    if fmt or every:
        _export(settings, Query(q=query, region=region, year=year, sort=sort,
                                original=original), fmt, None if every else limit)
        return
    index = Index(settings.index_dir)
    results = searching.run(index, Query(q=query, region=region, year=year, per_page=limit,
                                         sort=sort, original=original))
    if as_json:
        from searchapp.connections.copies import json_lookup

        copied = json_lookup(index.generation())
        click.echo(json.dumps(results_to_json(results, copied), ensure_ascii=False, indent=2))
    else:
        color = sys.stdout.isatty()
        click.echo(terminal.render_results(results, color=color), color=color)


def _export(settings: config.Settings, query: object, fmt: str | None,
            limit: int | None) -> None:
    import sys

    from searchapp.errors import UsageError
    from searchapp.index.read import Index
    from searchapp.research import export

    if fmt is None:
        raise UsageError("--all needs --format csv, jsonl or xlsx")
    out = sys.stdout.buffer
    if fmt == "xlsx" and out.isatty():
        raise UsageError("XLSX is binary: redirect it to a file (> results.xlsx)")
    export.dump(Index(settings.index_dir), query, fmt, out, limit)


@main.command()
@_query_options
@click.option("--by", type=click.Choice(["year", "region", "level"]), default="year",
              show_default=True, help="One row per year, or per region or level and year.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="A table to read, CSV, or JSON (same as /api/timeline).")
@click.pass_obj
def timeline(settings: config.Settings, query: str, index_dir: Path | None,
             region: str | None, year: str | None, by: str, fmt: str) -> None:
    """Per year: paragraphs, occurrences and reports mentioning QUERY, and its first
    appearance (README: Research tools)."""
    from searchapp.index.read import Index
    from searchapp.model import Query
    from searchapp.research import timeline as timelines
    from searchapp.research.shapes import timeline_text

    settings = settings.with_overrides(index_dir=index_dir)
    query, region, year = (_argv_text(v) if v else v for v in (query, region, year))
    found = timelines.timeline(Index(settings.index_dir),
                               Query(q=query, region=region, year=year), by)
    click.echo(timeline_text(found, fmt), nl=False)


@main.command("eval")
@click.argument("judgments", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path),
              help="Index directory. Default: index/ or $SEARCHAPP_INDEX.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
def evaluate(settings: config.Settings, judgments: Path, index_dir: Path | None,
             as_json: bool) -> None:
    """Score the ranking against graded JUDGMENTS (JSON Lines; README: Relevance).

    Prints nDCG@10, P@10, Recall@100 and MRR per query, per kind and overall.
    """
    import json

    from searchapp import evaluation
    from searchapp.index.read import Index
    from searchapp.model import Query
    from searchapp.search import searching

    settings = settings.with_overrides(index_dir=index_dir)
    index = Index(settings.index_dir)
    judged = evaluation.read_judgments(judgments)

    def ranked(q: str) -> list[tuple[str, int]]:
        hits = searching.run(index, Query(q=q, per_page=evaluation.DEPTH)).hits
        return [(h.doc, h.paragraph) for h in hits]

    scores = evaluation.evaluate(judged, ranked)
    if as_json:
        click.echo(json.dumps(evaluation.report_json(scores), ensure_ascii=False, indent=2))
    else:
        click.echo(evaluation.report_text(scores, judged))


@main.command()
@click.option("--index", "index_dir", type=click.Path(path_type=Path),
              help="Index directory. Default: index/ or $SEARCHAPP_INDEX.")
@click.pass_obj
def check(settings: config.Settings, index_dir: Path | None) -> None:
    """Verify every file of the published index against the sizes and sha256 hashes
    recorded when it was built; exit 1 naming the damaged files and the fix."""
    from searchapp.index import read

    settings = settings.with_overrides(index_dir=index_dir)
    click.echo(read.check(settings.index_dir).line())


def _argv_text(value: str) -> str:
    """Arguments whose bytes are not UTF-8 arrive as lone surrogates (surrogateescape), which
    no output can encode: show them as U+FFFD, so --json stays valid UTF-8."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)


@main.command()
@click.option("--host", help="Address to listen on. Default: 127.0.0.1.")
@click.option("--port", type=click.IntRange(1, 65535), help="Port. Default: 5000.")
@click.option("--workers", type=click.IntRange(1, 64), help="Worker processes. Default: 2.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path),
              help="Index directory. Default: index/ or $SEARCHAPP_INDEX.")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
              help="Corpus to build the index from when there is none (repeatable).")
@click.option("--instance", "instance_dir", type=click.Path(path_type=Path),
              help="Folder for saved searches and the session key. Default: "
                   "$SEARCHAPP_INSTANCE, else instance/ next to the index directory.")
@click.option("--database", "database_url", metavar="URL",
              help="PostgreSQL URL (postgresql://USER:PASSWORD@HOST:PORT/DB) for saved searches "
                   "and the session key, shared by several servers. Default: "
                   "$SEARCHAPP_DATABASE_URL, else SQLite in the instance folder.")
@click.option("--dev", is_flag=True, help="Flask's development server (never in production).")
@click.pass_obj
def serve(settings: config.Settings, host: str | None, port: int | None, workers: int | None,
          index_dir: Path | None, corpus: tuple[Path, ...], instance_dir: Path | None,
          database_url: str | None, dev: bool) -> None:
    """Serve the search UI, building the index first if it is missing."""
    from searchapp.web import server as serving  # web stack imported only for this command

    settings = settings.with_overrides(host=host, port=port, workers=workers,
                                       index_dir=index_dir, corpus=corpus or None,
                                       instance_dir=instance_dir, database_url=database_url)
    index = serving.Index(settings.index_dir)  # opened once: checked here, served by gunicorn
    built = serving.ensure_index(settings, index)
    database = serving.check_instance(settings, index_existed=built is None)
    if built:
        click.echo(f"已建立索引：{built.reports} 篇报告，{built.paragraphs} 个段落，"
                   f"用时 {built.seconds:.1f} 秒", err=True)
    click.echo(f"保存的检索：{database.describe()}", err=True)
    click.echo(f"检索服务：http://{settings.host}:{settings.port}/", err=True)
    serving.serve(settings, dev=dev, index=index)
