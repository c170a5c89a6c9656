"""Results -> text for `searchapp search`: one block per hit, marks in colour on a terminal.

Uses the same fragment window as the web page (highlight.window) so the CLI
shows what the page shows; without a terminal, marks become [brackets] so
the output stays greppable and never carries escape codes.
"""

from __future__ import annotations

import re

import click

from searchapp.model import Hit, Results
from searchapp.search.highlight import ELLIPSIS, window

# Control characters in document text (ESC above all) could restyle or move the cursor of the
# user's terminal: print each as U+FFFD, one character for one, so spans stay aligned.
_CONTROLS = {code: "\ufffd" for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}


def render_results(results: Results, color: bool) -> str:
    """The whole printout: a summary line, notices, then numbered hits."""
    lines = [_summary(results)]
    if results.notice:
        lines.append(f"提示：{results.notice}")
    if results.expanded:
        lines.append("也搜索了：" + "、".join(f"「{e}」" if re.search("[、，,]", e) else e
                                           for e in results.expanded))  # 双随机、一公开 is one
    first = (results.query.page - 1) * results.query.per_page
    for number, hit in enumerate(results.hits, start=first + 1):
        lines += ["", f"{number}. {breadcrumb(hit)}"]
        if hit.note:  # 不含「X」，含「Y」: the page says it above the text, so does the CLI
            lines.append(f"   （{hit.note.translate(_CONTROLS)}）")
        lines.append("   " + marked_text(hit, color))
    return "\n".join(lines)


def _summary(results: Results) -> str:
    shown = len(results.hits)
    return f"共 {results.total} 个段落，显示 {shown} 个（{results.took_ms:.1f} 毫秒）"


def breadcrumb(hit: Hit) -> str:
    """region · year · section path, then where to find the paragraph (report id #n)."""
    parts = [hit.region, str(hit.year) if hit.year else "年份不详", " › ".join(hit.section)]
    line = " · ".join(p for p in parts if p) + f"  [{hit.doc}#{hit.paragraph}]"
    return line.translate(_CONTROLS)


def marked_text(hit: Hit, color: bool) -> str:
    """The hit's fragment window as plain text, marks styled or bracketed."""
    start, end, spans = window(hit.text, list(hit.spans))
    text = hit.text[start:end].translate(_CONTROLS)
    parts, cursor = [], 0
    for s, e in spans:
        parts.append(text[cursor:s])
        parts.append(click.style(text[s:e], fg="red", bold=True) if color else f"[{text[s:e]}]")
        cursor = e
    parts.append(text[cursor:])
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(hit.text) else ""
    return prefix + "".join(parts) + suffix
