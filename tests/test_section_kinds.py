"""Section kinds and document types: the rules that file a report's top-level parts and the
report itself the same way across years, over real headings and titles (the seeds and the
national reports, as `searchapp parse` lists them)."""

from __future__ import annotations

import pytest
from conftest import opened

from searchapp.ingest.metadata import document_type
from searchapp.model import Query
from searchapp.search import searching as search
from searchapp.search.kinds import KINDS, kind_of


@pytest.mark.parametrize(("heading", "kind"), [
    # the seeds
    ("2022年工作回顾", "工作回顾"),
    ("2023年工作总体思路和奋斗目标", "目标任务"),
    ("2023年工作安排", "工作安排"),
    ("2023年三十工程", "附件"),
    ("重要词语解释", "名词解释"),
    ("一、2022年工作回顾", "工作回顾"),
    ("二、2023年工作安排", "工作安排"),
    # national reports, 1954-2025
    ("一、2024年工作回顾", "工作回顾"),
    ("二、2025年经济社会发展总体要求和政策取向", "目标任务"),
    ("三、2025年政府工作任务", "工作安排"),
    ("一、过去一年和五年工作回顾", "工作回顾"),
    ("二、对今年政府工作的建议", "工作安排"),
    ("三、2021年重点工作", "工作安排"),
    ("二、2017年工作总体部署", "目标任务"),
    ("二、“十二五”时期的主要目标和任务", "目标任务"),
    ("二、2010年主要任务", "工作安排"),
    ("三、2011年的工作", "工作安排"),
    ("一、 过去五年工作回顾", "工作回顾"),
    ("一、一年来工作回顾", "工作回顾"),
    ("首先报告２００１年的工作", "工作回顾"),
    ("一、１９９６年国内工作的回顾", "工作回顾"),
    ("过去五年国内工作的基本总结", "工作回顾"),
    ("一、“六五”计划执行情况的回顾", "工作回顾"),
    ("一、1998年工作回顾和1999年工作的总体要求", "工作回顾"),  # named first
    ("六、切实加强政府自身建设", "政府自身建设"),
    ("六、加强行政能力建设和政风建设", "政府自身建设"),
    ("八、从严治政，加强政府自身建设", "政府自身建设"),
    ("四、认真进行行政管理体制和政府机构改革", "政府自身建设"),
    ("八、贯彻依法治国方略，建设廉洁、勤政、务实、高效政府", "政府自身建设"),
    ("三、把改革开放扎实推向纵深", "其他"),
    ("十、关于国际形势和外交工作", "其他"),
    ("结束语", "其他"),
    ("三、加快社会主义经济建设", "其他"),  # 建设 alone is not government building
    ("四、民生实事", "其他"),  # numbered: a part of the report, not an appendix
])
def test_real_top_level_headings_get_their_kind(heading: str, kind: str) -> None:
    assert kind_of(heading) == kind


def test_every_kind_is_a_facet_value() -> None:
    assert KINDS == ("工作回顾", "工作安排", "目标任务", "政府自身建设", "附件", "名词解释", "其他")


@pytest.mark.parametrize(("title", "head", "doctype"), [
    ("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", [], "resolution"),
    ("第二届全国人民代表大会第三次会议关于政府工作报告的决议", [], "resolution"),
    ("2024年政府工作报告", [], "report"),
    ("孟州市2023年政府工作报告", [], "report"),
    ("unknown", ["政 府 工 作 报 告", "——在孟州市第六届人民代表大会第三次会议上"], "report"),
    ("", ["关于政府工作报告的决议", "（2023年3月13日第十四届全国人民代表大会第一次会议通过）"],
     "resolution"),
    ("关于2023年国民经济和社会发展计划执行情况的报告", [], "other"),
], ids=["NPC resolution", "1960 resolution", "national report", "county report",
        "spaced title line", "resolution by its first line", "another report"])
def test_document_type_from_title_or_first_lines(title: str, head: list[str],
                                                 doctype: str) -> None:
    assert document_type(title, head) == doctype


def test_the_national_collection_holds_20_resolutions_and_every_kind(national_index) -> None:
    resolutions = search.run(opened(national_index), Query(doctype="resolution", group="report"))
    assert resolutions.reports == 20
    kinds = search.run(opened(national_index), Query(q="发展")).facets["kind"]
    assert [k.value for k in kinds] == list(KINDS[:4]) + ["名词解释", "其他"]  # no appendix
