"""The `searchapp` command: a thin click skin over the library.

Each command is one library call plus printing; logic lives in the modules.
Exit codes: 1 for bad data / runtime failure, 2 for bad usage (click's own).
"""

from __future__ import annotations

from pathlib import Path

import click

from searchapp import config


@click.group()
@click.version_option(package_name="searchapp")
@click.pass_context
def main(ctx: click.Context) -> None:
    """政府工作报告检索 — full-text search over Chinese government work reports."""
    ctx.obj = config.from_env()


def _failure(error: Exception) -> click.ClickException:
    """One line for the user: our errors carry their own; a file-system error names the path."""
    if isinstance(error, OSError) and error.filename:
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
    from searchapp.ingest import corpus  # loads jieba (via analysis): only when needed
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
    from searchapp.index import build as index  # loads whoosh/jieba: only for the commands that need them
    from searchapp.progress import Reporter

    settings = settings.with_overrides(corpus=corpus or None, index_dir=index_dir)
    reporter = Reporter()
    try:
        summary = index.reindex(settings.corpus, settings.index_dir, full=full,
                                progress=reporter, warn=reporter.warn)
    except (index.CorpusError, index.IndexBusy, OSError) as error:
        raise _failure(error) from None
    finally:
        reporter.close()
    click.echo(index.summary_line(summary))


@main.command()
@click.argument("query")
@click.option("--index", "index_dir", type=click.Path(path_type=Path),
              help="Index directory. Default: index/ or $SEARCHAPP_INDEX.")
@click.option("--region", help="Only this region and the places under it (孟州, 焦作).")
@click.option("--year", help="A year (2023) or a range (2020..2023).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many paragraphs to print.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the results as JSON (same as the API).")
@click.pass_obj
def search(settings: config.Settings, query: str, index_dir: Path | None, region: str | None,
           year: str | None, limit: int, as_json: bool) -> None:
    """Search the index and print ranked, highlighted paragraphs.

    QUERY uses the query language (README: Searching): words, OR, -word, "phrase",
    =word, region: year: level: section:.
    """
    import json
    import sys

    from searchapp.index import build as index
    from searchapp.render import terminal
    from searchapp.search import searching as searching
    from searchapp.model import Query

    settings = settings.with_overrides(index_dir=index_dir)
    query, region, year = (_argv_text(v) if v else v for v in (query, region, year))
    try:
        results = searching.run(settings.index_dir, Query(q=query, region=region, year=year,
                                                           per_page=limit))
    except (index.IndexMissing, index.IndexIncompatible) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(searching.results_to_json(results), ensure_ascii=False, indent=2))
    else:
        color = sys.stdout.isatty()
        click.echo(terminal.render_results(results, color=color), color=color)


def _argv_text(value: str) -> str:
    """Arguments whose bytes are not UTF-8 arrive as lone surrogates (surrogateescape), which
    no output can encode: show them as U+FFFD, so --json stays valid UTF-8."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)


@main.command()
@click.option("--host")
@click.option("--port", type=int)
@click.option("--workers", type=int)
@click.option("--index", "index_dir", type=click.Path(path_type=Path))
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path))
@click.option("--dev", is_flag=True, help="Flask's development server (never in production).")
@click.pass_obj
def serve(settings: config.Settings, host: str | None, port: int | None, workers: int | None,
          index_dir: Path | None, corpus: tuple[Path, ...], dev: bool) -> None:
    """Serve the search UI, building the index first if it is missing."""
    from searchapp.index import build as index  # web stack imported only for this command
    from searchapp.index import generations as publish
    from searchapp.web import server as serving

    settings = settings.with_overrides(host=host, port=port, workers=workers,
                                       index_dir=index_dir, corpus=corpus or None)
    try:
        serving.check_instance(settings)
        built = serving.ensure_index(settings)
    except (index.CorpusError, publish.IndexBusy, OSError) as error:
        raise _failure(error) from None
    if built:
        click.echo(f"已建立索引：{built.reports} 篇报告，{built.paragraphs} 个段落，"
                   f"用时 {built.seconds:.1f} 秒", err=True)
    click.echo(f"检索服务：http://{settings.host}:{settings.port}/", err=True)
    serving.serve(settings, dev=dev)
