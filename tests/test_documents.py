"""PDF and Word reports read as the paragraphs their author wrote, or skipped saying why."""

import io
from pathlib import Path

import docx
import pypdf
import pytest
from conftest import opened
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from searchapp.index import build as index
from searchapp.ingest import corpus
from searchapp.model import Query
from searchapp.search import searching

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
LINE = 36  # characters a line of the test PDFs holds
LINES = 50  # lines a page holds
FONT = "STSong-Light"  # a CID font every PDF reader knows: nothing to embed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def seed_paragraphs(path: Path) -> list[str]:
    return [p.text for r in corpus.read_file(path) for p in r.paragraphs]


def pdf_of(paragraphs: list[str], *, head: str = "孟州市人民政府",
           foot: str = "－ {number} －") -> bytes:
    """The paragraphs typeset as a government PDF: lines cut at LINE characters, each
    paragraph indented two full-width spaces, a running head and a page number per page."""
    lines = [("\u3000\u3000" if i == 0 else "") + chunk for p in paragraphs
             for i, chunk in enumerate(p[j:j + LINE] for j in range(0, len(p), LINE))]
    data = io.BytesIO()
    page = canvas.Canvas(data)
    for number, start in enumerate(range(0, len(lines), LINES), start=1):
        page.setFont(FONT, 10)
        page.drawString(50, 810, head)
        page.drawString(280, 20, foot.format(number=number))
        for row, line in enumerate(lines[start:start + LINES]):
            page.drawString(40, 780 - 15 * row, line)
        page.showPage()
    page.save()
    return data.getvalue()


def docx_of(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def read(path: Path, **kwargs) -> tuple[list, list[str]]:
    warnings: list[str] = []
    return corpus.read_file(path, warnings.append, **kwargs), warnings


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_seed_printed_to_pdf_reads_as_the_seed(seed, tmp_path):
    """Lines cut at the page's width are joined again, a paragraph running over a page
    break included; page numbers and the running head are no text of the report."""
    paragraphs = seed_paragraphs(seed)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_of(paragraphs))
    assert len(pypdf.PdfReader(path).pages) > 3
    (report,), warnings = read(path)
    assert [p.text for p in report.paragraphs] == paragraphs
    expected = corpus.read_file(seed)[0]
    assert (report.region, report.year, report.title) == \
        (expected.region, expected.year, expected.title)
    assert not [w for w in warnings if "skipped" in w]


@pytest.mark.parametrize("foot", ["- {number} -", "第{number}页", "第 {number} 页 共 9 页",
                                  "{number}/9", "{number}"])
def test_page_numbers_in_their_usual_forms_are_no_text(foot, tmp_path):
    paragraphs = seed_paragraphs(SEEDS[0])[:60]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_of(paragraphs, foot=foot))
    (report,), _ = read(path)
    assert [p.text for p in report.paragraphs] == paragraphs


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_seed_saved_as_word_reads_as_the_seed(seed, tmp_path):
    paragraphs = seed_paragraphs(seed)
    path = tmp_path / "report.docx"
    path.write_bytes(docx_of(paragraphs))
    (report,), _ = read(path)
    assert [p.text for p in report.paragraphs] == paragraphs


def test_a_word_table_reads_a_line_per_row(tmp_path):
    document = docx.Document()
    document.add_paragraph("2023年温县政府工作报告")
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("指标", "增长"), ("地区生产总值", "5.5%")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("今年我们将全力推进项目建设，持续优化营商环境。")
    path = tmp_path / "report.docx"
    document.save(path)
    (report,), _ = read(path)
    assert [p.text for p in report.paragraphs] == [
        "2023年温县政府工作报告", "指标 增长", "地区生产总值 5.5%",
        "今年我们将全力推进项目建设，持续优化营商环境。"]


def blank_pdf() -> bytes:
    """A page with a picture of text and no text layer, as a scanner makes it."""
    data = io.BytesIO()
    page = canvas.Canvas(data)
    page.rect(50, 50, 400, 600, fill=1)
    page.showPage()
    page.save()
    return data.getvalue()


def encrypted_pdf() -> bytes:
    report = pdf_of(["各位代表：", "现在，我代表市人民政府，向大会报告工作。"])
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(report))
    writer.encrypt("secret")
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def misread_pdf() -> bytes:
    """Chinese drawn in a font that maps no Unicode: its text reads as Latin-1 (Õþ¸®¹¤×÷)."""
    data = io.BytesIO()
    page = canvas.Canvas(data)
    page.setFont("Helvetica", 10)
    for row, line in enumerate(seed_paragraphs(SEEDS[0])[10:40]):
        page.drawString(40, 780 - 15 * row, line[:40].encode("gbk", "replace").decode("latin-1"))
    page.showPage()
    page.save()
    return data.getvalue()


@pytest.mark.parametrize("name, content, reason", [
    ("scan.pdf", blank_pdf(), "no text layer in the PDF (a scan: run OCR on it first)"),
    ("misread.pdf", misread_pdf(), "the PDF's text layer does not read as text"),
    ("locked.pdf", encrypted_pdf(), "encrypted PDF (a password is needed to read it)"),
    ("damaged.pdf", pdf_of(["各位代表："])[:300], "damaged PDF"),
    ("damaged.docx", docx_of(["各位代表："])[:300], "not a readable Word (.docx) file"),
    ("empty.docx", docx_of([]), "no text in the Word file"),
])
def test_an_unreadable_document_is_skipped_saying_why_and_the_rest_is_read(
        tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "report.txt").write_text("2023年温县政府工作报告\n各位代表：\n", encoding="utf-8")
    warnings: list[str] = []
    reports = list(corpus.read_corpus([tmp_path], warnings.append))
    assert [r.id for r in reports] == ["report"]
    assert any(w.startswith(f"{tmp_path / name}: {reason}") and w.endswith("; skipped")
               for w in warnings), warnings


def test_a_document_over_the_limit_is_skipped_not_cut(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_of(seed_paragraphs(SEEDS[0])))
    reports, warnings = read(path, max_bytes=1000)
    assert reports == []
    assert warnings == [f"{path}: 0 MB is larger than the 0 MB limit for a PDF or Word "
                        "report; skipped"]


def test_pdf_and_word_reports_in_a_corpus_folder_are_indexed_and_searched(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "mengzhou.pdf").write_bytes(pdf_of(seed_paragraphs(SEEDS[0])))
    (corpus_dir / "qinyang.docx").write_bytes(docx_of(seed_paragraphs(SEEDS[1])))
    index.reindex([corpus_dir], tmp_path / "index")
    hits = searching.run(opened(tmp_path / "index"), Query(q='"营商环境"', per_page=100)).hits
    assert {h.doc for h in hits} == {"mengzhou", "qinyang"}
    assert {h.region for h in hits} == {r.region for seed in SEEDS
                                        for r in corpus.read_file(seed)}
