"""Atom feed of search hits, so a researcher can subscribe to a topic.

Entries are the matching paragraphs of the newest reports; their ids are the
paragraph permalinks, so a feed reader shows only what a reindex added. The XML
is built with ElementTree (which escapes text and attributes) after removing the
characters XML 1.0 cannot carry at all (NUL, other C0 controls, lone surrogates):
hostile report text must not make the whole feed unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree import ElementTree as ET

from searchapp.model import Hit, Results

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = "1970-01-01T00:00:00Z"


def xml_text(text: str) -> str:
    """Drop characters that are illegal anywhere in an XML 1.0 document."""
    return _NOT_XML.sub("", text)


def hit_updated(hit: Hit, built: str = _EPOCH) -> str:
    """A report's delivery date stands in for 'updated'. Without one, the time the index was
    built (`built`): a made-up 1 January of its year would read as a real date."""
    if hit.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit.date):
        return f"{hit.date}T00:00:00Z"
    return built


def hit_title(hit: Hit) -> str:
    where = " ".join(str(x) for x in (hit.region, hit.year) if x)
    section = " › ".join(hit.section) or hit.title
    return f"{where} · {section}" if where else section


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _entry(feed: ET.Element, hit: Hit, link: str, built: str) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", link)
    _add(entry, "title", hit_title(hit))
    _add(entry, "updated", hit_updated(hit, built))
    _add(entry, "link", href=link, rel="alternate", type="text/html")
    _add(entry, "summary", hit.title)
    for term in (hit.region, hit.level):
        _add(entry, "category", term=term)
    _add(entry, "content", hit.fragment or hit.highlight, type="html")


def build(results: Results, *, title: str, self_url: str, alternate_url: str,
          doc_url: Callable[[Hit], str], built: str | None = None) -> bytes:
    """Render `results` (already sorted newest first) as an Atom 1.0 document. `built` is
    when the index was built: the feed changes only then, so it is the feed's <updated>."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    dated = max((hit_updated(h, built or _EPOCH) for h in results.hits), default=_EPOCH)
    _add(feed, "updated", built or dated)
    _add(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    _add(feed, "link", href=alternate_url, rel="alternate", type="text/html")
    _add(_add(feed, "author"), "name", "searchapp 政府工作报告检索")
    _add(feed, "generator", "searchapp")
    for hit in results.hits:
        _entry(feed, hit, doc_url(hit), built or _EPOCH)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
