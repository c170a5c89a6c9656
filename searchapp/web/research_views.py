"""The research pages: /export (the whole result set as a file), /timeline and /compare,
with their JSON twins /api/timeline and /api/compare. Thin: the work is in research/."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import quote, urlencode

from flask import (
    Blueprint,
    Response,
    jsonify,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.datastructures import MultiDict

import searchapp.web.present as present
from searchapp.errors import UsageError
from searchapp.model import Hit, Query, Report, Results
from searchapp.render.json import hit_reference
from searchapp.research import anchors, chart, export
from searchapp.research import compare as comparing
from searchapp.research import timeline as timelines
from searchapp.research.citation import Cited, citation
from searchapp.research.shapes import comparison_to_json, timeline_to_json
from searchapp.search import searching as search
from searchapp.search.params import from_params
from searchapp.web.context import index
from searchapp.web.errors import bad_params

bp = Blueprint("research", __name__)
SMALL_MULTIPLES = 12  # groups drawn as charts when by region or level; the table has all
COMPARE_TOP = 4  # regions 「对比这些地区」 takes from the facet when none are chosen


def _query() -> tuple[Query, list[str]]:
    query, errors = from_params(request.args)
    if not query.q.strip() and not present.has_filters(query):
        errors.append("请输入检索词（或至少一个筛选条件）。")
    return query, errors


@bp.get("/export")
def export_download() -> Response:
    """The whole result set as CSV, XLSX or JSON Lines, streamed as it is written."""
    query, errors = _query()
    fmt = request.args.get("format", "csv")
    if fmt not in export.FORMATS:
        errors.append(f"导出格式“{fmt[:20]}”无效：可用 csv、xlsx、jsonl。")
    if errors:
        return bad_params(errors)
    data = export.export(index(), query, base_url=request.host_url)
    body = stream_with_context(export.write(data.rows, fmt))
    return Response(body, mimetype=export.FORMATS[fmt], headers={
        "Content-Disposition": _attachment(query, fmt), "X-Total-Count": str(data.total)})


def _attachment(query: Query, fmt: str) -> str:
    name = f"政府工作报告检索-{present.describe(query)}.{fmt}".replace("/", "_")
    return f"attachment; filename=\"searchapp-export.{fmt}\"; filename*=UTF-8''{quote(name)}"


def _timeline() -> tuple[timelines.Timeline | None, Query, str, list[str]]:
    query, errors = _query()
    by = request.args.get("by", "year")
    if by not in timelines.BY:
        errors.append(f"分组方式“{by[:20]}”无效：可用 year、region、level。")
        by = "year"
    return (None if errors else timelines.timeline(index(), query, by)), query, by, errors


@bp.get("/timeline")
def timeline_page() -> tuple[str, int]:
    found, query, by, errors = _timeline()
    charts = _charts(found) if found else []
    return render_template("timeline.html", query=query, by=by, timeline=found,
                           charts=charts, param_errors=errors), 400 if errors else 200


def _charts(found: timelines.Timeline) -> list[chart.Chart]:
    if found.by == "year":
        return [chart.bar_chart(found.rows, f"「{found.query.q}」各年段落数")]
    groups: dict[str, list[timelines.Row]] = {}
    for row in found.rows:
        groups.setdefault(row.group, []).append(row)
    biggest = sorted(groups, key=lambda g: -sum(r.paragraphs for r in groups[g]))
    return [chart.bar_chart(groups[g], f"{g}：「{found.query.q}」各年段落数", small=True)
            for g in biggest[:SMALL_MULTIPLES]]


@bp.get("/api/timeline")
def api_timeline() -> Response:
    found, _, _, errors = _timeline()
    return bad_params(errors) if errors else jsonify(timeline_to_json(found))


def _comparison() -> tuple[comparing.Comparison | None, Query, list[str]]:
    regions = request.args.getlist("region")
    axis = "region" if len(regions) > 1 else "year"
    values = regions if axis == "region" else request.args.getlist("year")
    rest = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != axis])
    query, errors = from_params(rest)
    if not query.q.strip():
        errors.append("请输入要对比的检索词。")
    try:
        found = None if errors else comparing.compare(index(), query, axis, values,
                                                      search.mark)
    except UsageError as error:
        found, errors = None, [*errors, str(error)]
    return found, replace(query, page=1), errors


@bp.get("/compare")
def compare_page() -> tuple[str, int]:
    found, query, errors = _comparison()
    return render_template("compare.html", query=query, comparison=found,
                           param_errors=errors), 400 if errors else 200


@bp.get("/api/compare")
def api_compare() -> Response:
    found, _, errors = _comparison()
    return bad_params(errors) if errors else jsonify(comparison_to_json(found))


@dataclass(frozen=True)
class Reference:
    anchor: str  # the paragraph's stable element id
    citation: str


@bp.app_template_global()
def paragraph_references(report: Report) -> list[Reference]:
    """For doc.html: each paragraph's stable anchor and citation, in order."""
    hashes = anchors.text_hashes([p.text for p in report.paragraphs])
    base = request.host_url.rstrip("/")
    today = date.today()
    return [Reference(anchor, citation(Cited(
        report.region, report.level, report.title, report.date, p.section, p.n,
        base + anchors.link(report.id, p.n, h)), today))
        for anchor, h, p in zip(anchors.unique_ids(hashes), hashes, report.paragraphs,
                                strict=True)]


@bp.app_template_global()
def anchor_target(report: Report) -> anchors.Target | None:
    """For doc.html: where a permalink's ?p=&a= lands (and whether its text changed)."""
    return anchors.resolve(report.paragraphs, request.args)


@bp.app_template_global()
def hit_citation(hit: Hit) -> str:
    """For the hit cards: the citation with an absolute permalink."""
    return hit_reference(hit, request.host_url)["citation"]


@bp.app_template_global()
def research_url(endpoint: str, query: Query, **extra: str) -> str:
    """/export, /timeline or /compare for the query on screen (its page left out)."""
    qs = present.query_string(query, page=1)
    more = urlencode(extra, doseq=True)
    return url_for(f"research.{endpoint}") + "?" + "&".join(p for p in (qs, more) if p)


@bp.app_template_global()
def compare_url(query: Query, results: Results) -> str | None:
    """「对比这些地区」: the regions the search is narrowed to, else those with most hits."""
    regions = list(query.region)
    if len(regions) < comparing.MIN_COLUMNS:
        regions = [f.value for f in results.facets.get("region", [])][:COMPARE_TOP]
    if not query.q.strip() or len(regions) < comparing.MIN_COLUMNS:
        return None
    return research_url("compare_page", replace(query, region=()),
                        region=regions[:comparing.MAX_COLUMNS])
