"""PDF, Word and web-page reports -> their text, a line per line of the PDF's page, per
paragraph of Word or block of the web page (`webpage`).

Governments publish their work reports as PDF and Word files as often as web pages, so a
user's folder holds those too. What comes out goes the text files' way (corpus.paragraphs_of):
a PDF's lines are cut at the page's width and `unwrap` joins them again; a Word paragraph is
one line already. What a page adds to the text, its number (－ 3 －, 第3页) and a running head
repeated on most pages, is left out, so a paragraph running on over a page break is joined
whole. A file that cannot be read says why (encrypted, damaged, a scan without a text layer,
a text layer that reads as Õþ¸®¹¤×÷ because its fonts map no Unicode) and is skipped, as any
unreadable file is.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import Counter
from pathlib import Path

from searchapp.ingest import decoding, webpage

SUFFIXES = (".pdf", ".docx", ".html", ".htm")
MAX_BYTES = 64 * 2**20  # a report's PDF with its pictures; a larger one is skipped, not cut
#                         (half a PDF is no PDF)
RUNNING_SHARE = 0.5  # a line at the top or foot of this share of the pages is a running head
_PAGE_NUMBER = re.compile(r"[-－—–·•\s]*(?:第\s*)?[0-9０-９]+\s*(?:页)?"  # － 3 －, 第3页,
                          r"(?:\s*[/／共]\s*[0-9０-９]+\s*页?)?[-－—–·•\s]*")  # 3/40, 第3页共40页
_WRITING = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # text, not only figures and marks
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_MISREAD = re.compile(r"[\u00a0-\u024f\ue000-\uf8ff\ufffd]")  # Latin-1 and beyond, private
#   use, replacement: what a font without a Unicode map gives for Chinese (Õþ¸®¹¤×÷ is 政府工作
#   read byte by byte)


class Unreadable(ValueError):
    """The file holds no text we can read; the message says why."""


def text_of(path: Path, data: bytes) -> str:
    """The text of a PDF, .docx or saved web page's bytes, a line per line (PDF) or
    paragraph (Word, web page)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text, empty = _docx_text(data), "no text in the Word file"
    elif suffix in (".html", ".htm"):
        text, empty = _page_text(data), "no text in the web page"
    else:
        text, empty = _pdf_text(data), "no text layer in the PDF (a scan: run OCR on it first)"
    if not _WRITING.search(text):
        raise Unreadable(empty)
    return text


def _page_text(data: bytes) -> str:
    try:
        return webpage.page_text(decoding.decode(data).text)
    except decoding.NotText as exc:
        raise Unreadable(f"not a web page ({exc})") from exc


def _docx_text(data: bytes) -> str:
    import docx  # python-docx: imported here, as only Word files need it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"not a readable Word (.docx) file ({exc})") from exc
    lines = []
    for block in document.iter_inner_content():  # paragraphs and tables in reading order
        if isinstance(block, docx.table.Table):
            lines += [" ".join(dict.fromkeys(cell.text.strip() for cell in row.cells))
                      for row in block.rows]  # a merged cell repeats: once
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    import pypdf  # imported here, as only PDF files need it
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are about the file's
    #                                                    syntax, not ours to show
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted PDF (a password is needed to read it)")
        pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    except Unreadable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, zipfile.BadZipFile) as exc:  # a damaged file fails in many ways
        raise Unreadable(f"damaged PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n".join(_without_page_marks(pages))
    if len(_MISREAD.findall(text)) > max(len(_CHINESE.findall(text)), 20):
        raise Unreadable("the PDF's text layer does not read as text (its fonts map no "
                         "Unicode); export it again, or run OCR on it")
    return text


def _without_page_marks(pages: list[list[str]]) -> list[str]:
    """The pages' lines without page numbers and without a running head or foot: a first
    or last line that most pages repeat (孟州市人民政府文件)."""
    pages = [_trimmed([line for line in page if not _PAGE_NUMBER.fullmatch(line)])
             for page in pages]
    edges: Counter[str] = Counter()
    for page in pages:
        edges.update({page[0].strip(), page[-1].strip()} if page else set())
    running = {line for line, count in edges.items()
               if line and len(pages) >= 3 and count >= RUNNING_SHARE * len(pages)}
    return [line for page in pages for i, line in enumerate(page)
            if not (line.strip() in running and i in (0, len(page) - 1))]


def _trimmed(lines: list[str]) -> list[str]:
    """Without blank lines at the page's top and foot: a page's end is not a paragraph's,
    and a line filling the page's last row goes on at the next page's first."""
    written = [i for i, line in enumerate(lines) if line.strip()]
    return lines[written[0]:written[-1] + 1] if written else []
