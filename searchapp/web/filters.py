"""Jinja filters: how metadata reads in a Chinese interface (labels, breadcrumbs, dates)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote

from flask import Flask

LEVEL_LABELS = {
    "national": "全国",
    "province": "省级",
    "prefecture": "地市级",
    "county": "县级",
    "unknown": "级别未知",
}
SORT_LABELS = {"relevance": "相关度", "date": "最新", "oldest": "最早"}
FILTER_LABELS = {"region": "地区", "year": "年份", "level": "级别", "section": "章节",
                 "kind": "章节类型", "doctype": "文件类型", "original": "表述",
                 "title": "标题"}  # title: only typed in the query (title:决议)
DOCTYPE_LABELS = {"report": "政府工作报告", "resolution": "决议", "other": "其他"}


def level_label(level: str | None) -> str:
    return LEVEL_LABELS.get(level or "unknown", level or "")


def breadcrumb(section: tuple[str, ...] | list[str]) -> str:
    return " › ".join(section)


def created_label(iso: str) -> str:
    """Saved-search creation time as readers expect it (the stored value is UTC)."""
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def filter_value_label(name: str, value: str) -> str:
    if name == "level":
        return level_label(value)
    if name == "doctype":
        return DOCTYPE_LABELS.get(value, value)
    if name == "original":  # the chip reads 表述：只看本地原创
        return "只看本地原创"
    if name == "year":
        return value.replace("..", "–") + ("" if ".." in value else "年")
    return value


def web_url(url: str | None) -> bool:
    """Only http(s) links are rendered: a report's url could say javascript:…"""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def readable_url(url: str | None) -> str:
    """A percent-encoded address as a reader reads it (Chinese, not %E5%…); kept encoded
    if decoding would show control or invisible formatting characters."""
    if not url:
        return ""
    try:
        text = unquote(str(url), errors="strict")
    except UnicodeDecodeError:
        return str(url)
    return text if text.isprintable() else str(url)


def same_address(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and readable_url(a).strip() == readable_url(b).strip()


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(level_label=level_label, breadcrumb=breadcrumb,
                                 created_label=created_label, web_url=web_url,
                                 readable_url=readable_url)
    app.jinja_env.tests.update(same_address=same_address)
    app.jinja_env.globals.update(SORT_LABELS=SORT_LABELS, FILTER_LABELS=FILTER_LABELS,
                                 filter_value_label=filter_value_label)
