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


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print metadata and paragraphs as JSON.")
def parse(file: Path, as_json: bool) -> None:
    """Show what ingestion extracts from FILE: metadata and outline."""
    raise NotImplementedError  # owned by the ingestion work (issue 2)


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
    raise NotImplementedError  # owned by the search core work (issue 3)


@main.command()
@click.argument("query")
@click.option("--index", "index_dir", type=click.Path(path_type=Path))
@click.option("--region")
@click.option("--year")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search(settings: config.Settings, query: str, index_dir: Path | None, region: str | None,
           year: str | None, limit: int, as_json: bool) -> None:
    """Search the index and print ranked, highlighted paragraphs."""
    raise NotImplementedError  # owned by the search core work (issue 3)


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
    raise NotImplementedError  # owned by the web UI work (issue 4)
