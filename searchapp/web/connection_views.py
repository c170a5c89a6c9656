"""Connections between reports on the web: copied-text notes for the hits and the report
view (template globals), 「相关段落」 (/related), 「特色词」 (/distinctive) and a year's plan
with the next year's review (/plan-review), each with its JSON twin under /api. Thin: the
work is in searchapp/connections/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from searchapp.connections import copies, distinctive, locate, plan_review, related
from searchapp.index.generation import Generation
from searchapp.model import Hit, Report
from searchapp.web.context import find_report, generation

bp = Blueprint("connections", __name__)
LIMIT, MAX_LIMIT = 10, 50  # related paragraphs shown; the most a request may ask for
TERMS = 20  # distinctive terms shown
MAX_REPORTS = 100  # reports one /distinctive request may read (each is tokenised whole)


@bp.app_template_global()
def copied_note(hit: Hit) -> copies.CopiedFrom | None:
    """The higher-level paragraph a hit repeats (「与《…》第16段重合 87%」), if any."""
    return copies.of_paragraph(generation(), hit.doc, hit.paragraph)


@bp.app_template_global()
def report_copies(report_id: str) -> dict[int, copies.CopiedFrom]:
    """Paragraph number -> its copied-from note, for the report view."""
    return copies.of_report(generation(), report_id)


@bp.app_template_global()
def copied_clauses(report_id: str, n: int) -> list[str]:
    """The clauses of a noted paragraph that were copied word for word."""
    return copies.copied_clauses(generation(), report_id, n)


@bp.app_template_global()
def report_terms(report_id: str) -> list[distinctive.Term]:
    """The report's distinctive terms (computed once per generation and report)."""
    return _terms(generation(), [report_id], TERMS)


@bp.app_template_global()
def term_url(word: str) -> str:
    """Where a distinctive term leads: its timeline where the site has one, else a search."""
    view = "research.timeline_page" if "research.timeline_page" in current_app.view_functions \
        else "pages.search_page"
    return url_for(view, q=word)


def copied_json() -> Callable[[Hit], dict | None]:
    """What render/json.py puts in a hit's `copied_from`, for this request's hits."""
    return copies.json_lookup(generation())


@bp.get("/api/copies/<report_id>")
def api_copies(report_id: str) -> Response:
    """The report's paragraphs that repeat a higher level's text, with their sources."""
    report = find_report(report_id)
    notes = report_copies(report.id)
    return jsonify({"doc": report.id, "title": report.title,
                    "paragraphs": [{"paragraph": n, "copied_from": note.to_json(),
                                    "clauses": copied_clauses(report.id, n)}
                                   for n, note in sorted(notes.items())]})


@dataclass(frozen=True)
class _Asked:
    report: Report
    n: int
    docnum: int
    limit: int


def _asked() -> _Asked:
    """doc, n (the paragraph) and limit of a related-paragraphs request: 404 for an unknown
    report or paragraph, 400 for a value that is not a number in range."""
    if not request.args.get("doc"):
        raise BadRequest("请给出 doc（报告编号）和 n（段落序号）。")
    report = find_report(request.args["doc"])
    n, limit = _number("n", None, 1, 10**6), _number("limit", LIMIT, 1, MAX_LIMIT)
    docnum = locate.docnum(generation(), report.id, n)
    if docnum is None:
        raise NotFound(f"《{report.title}》没有第 {n} 段。")
    return _Asked(report, n, docnum, limit)


def _number(name: str, default: int | None, low: int, high: int) -> int:
    value = request.args.get(name, "").strip()
    if not value and default is not None:
        return default
    if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
        raise BadRequest(f"参数 {name} 应为 {low} 到 {high} 之间的整数。")
    return int(value)


def _related(asked: _Asked) -> list[related.Related]:
    gen = generation()
    return gen.derived(f"connections:related:{asked.docnum}:{asked.limit}",
                       lambda g: related.related(g, asked.docnum, asked.limit))


@bp.get("/related")
def related_page() -> str:
    asked = _asked()
    text = next(p.text for p in asked.report.paragraphs if p.n == asked.n)
    return render_template("related.html", report=asked.report, n=asked.n, text=text,
                           related=_related(asked))


@bp.get("/api/related")
def api_related() -> Response:
    asked = _asked()
    return jsonify({"doc": asked.report.id, "paragraph": asked.n,
                    "related": [r.to_json() for r in _related(asked)]})


def _terms(gen: Generation, report_ids: list[str], limit: int) -> list[distinctive.Term]:
    return gen.derived(f"connections:distinctive:{report_ids!r}:{limit}",
                       lambda g: distinctive.distinctive(g, report_ids, limit))


def _part() -> tuple[str, list[str]]:
    """What /distinctive is asked about: a report (doc=), a region (region=) or a year."""
    gen = generation()
    if request.args.get("doc"):
        report = find_report(request.args["doc"])
        return f"《{report.title}》", [report.id]
    region = request.args.get("region", "").strip()[:100] or None
    year = _number("year", 0, 1, 9999) or None
    if region is None and year is None:
        raise BadRequest("请给出 doc（报告编号）、region（地区）或 year（年份）之一。")
    reports = distinctive.reports_of(gen, region, year)
    if not reports:
        raise NotFound("没有符合条件的报告。")
    if len(reports) > MAX_REPORTS:
        raise BadRequest(f"符合条件的报告有 {len(reports)} 份，超过一次 {MAX_REPORTS} 份的上限："
                         "请同时给出地区和年份。")
    return " ".join(filter(None, [region, f"{year}年" if year else None])), reports


@bp.get("/distinctive")
def distinctive_page() -> str:
    label, reports = _part()
    limit = _number("limit", TERMS, 1, MAX_LIMIT)
    gen = generation()
    meta = gen.reports.get(reports[0], {}) if len(reports) == 1 else {}
    return render_template("distinctive.html", label=label, reports=len(reports),
                           terms=_terms(gen, reports, limit), region=meta.get("region"),
                           year=meta.get("year"))


@bp.get("/api/distinctive")
def api_distinctive() -> Response:
    label, reports = _part()
    limit = _number("limit", TERMS, 1, MAX_LIMIT)
    return jsonify({"of": label, "reports": reports,
                    "terms": [t.to_json() for t in _terms(generation(), reports,
                                                          limit)]})


@bp.app_template_global()
def plan_notes(report_id: str) -> dict[int, plan_review.Link]:
    """Plan paragraph number -> its link to the next year's review (「次年回顾」)."""
    return {link.plan_n: link for link in _plan_links(generation(), report_id)}


@bp.app_template_global()
def review_notes(report_id: str) -> dict[int, list[plan_review.Link]]:
    """Review paragraph number -> the previous year's plan paragraphs (「上年安排」)."""
    return generation().derived(
        f"connections:reviewed:{report_id}",
        lambda g: plan_review.reviewed_by(g, report_id, _plan_links))


def _plan_links(gen: Generation, report_id: str) -> list[plan_review.Link]:
    return gen.derived(f"connections:plan:{report_id}",
                       lambda g: plan_review.links(g, report_id))


def _plan_rows(report: Report) -> list[plan_review.PlanRow]:
    return generation().derived(
        f"connections:plan-rows:{report.id}",
        lambda g: plan_review.plan_paragraphs(g, report.id))


def _report() -> Report:
    """The report a page is asked about (doc=): 400 without one, 404 for an unknown one."""
    if not request.args.get("doc"):
        raise BadRequest("请给出 doc（报告编号）。")
    return find_report(request.args["doc"])


@bp.get("/plan-review")
def plan_review_page() -> str:
    report = _report()
    gen = generation()
    following = plan_review.next_report(gen, report.id)
    return render_template("plan_review.html", report=report, rows=_plan_rows(report),
                           following=gen.reports.get(following) if following else None)


@bp.get("/api/plan-review")
def api_plan_review() -> Response:
    report = _report()
    return jsonify({"doc": report.id, "threshold": plan_review.THRESHOLD,
                    "next": plan_review.next_report(generation(), report.id),
                    "plan": [{"paragraph": row.n, "text": row.text,
                              "review": {**row.link.to_json()["review"],
                                         "text": row.review_text} if row.link else None,
                              "score": round(row.link.score, 3) if row.link else None}
                             for row in _plan_rows(report)]})
