"""Pseudonymous Chinese names, addresses and codes, vectorised.

Names are drawn from common surnames and given-name characters, so they collide as real names do;
people are told apart by `person_id` and `id_hash`, never by name.
"""

from __future__ import annotations

import numpy as np

from yunshao.simulate.config import COUNTY, TOWNSHIPS

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玲红云飞鹏宇浩然志峰海燕晨雪婷晓东亮宁斌欣怡琳博鑫丹凯俊佳梅琴兰春"
)
BRAND = list("鼎泰恒盛华昌宏达兴隆瑞丰永安远航金石天成立信东方正通广源新元中和润德联创博远嘉禾锦程")
ROADS = ("人民路", "解放路", "建设路", "中山路", "环城路", "工业大道", "滨江路", "青年路", "文化路", "创业路")
INDUSTRY = {
    "works": ("建设工程有限公司", "建筑工程有限公司", "市政工程有限公司", "水利建设有限公司"),
    "goods": ("科技有限公司", "设备有限公司", "贸易有限公司", "电子有限公司"),
    "services": ("物业服务有限公司", "工程咨询有限公司", "信息技术有限公司", "设计院有限公司"),
    "agency": ("招标代理有限公司", "项目管理有限公司"),
    "appraiser": ("资产评估有限公司", "土地评估事务所有限公司"),
    "investor": ("实业有限公司", "智能制造有限公司", "新材料有限公司", "物流有限公司"),
}


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Two- or three-character names."""
    sur = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    g1 = np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]
    g2 = np.where(rng.random(n) < 0.65, np.array(GIVEN)[rng.integers(0, len(GIVEN), n)], "")
    return np.char.add(np.char.add(sur, g1), g2).astype(object)


def hex_codes(rng: np.random.Generator, n: int, width: int = 16) -> list[str]:
    """Random lowercase hex strings (hashes, device ids)."""
    raw = rng.integers(0, 2**62, size=n, dtype=np.int64)
    return [f"{int(x):016x}"[-width:] for x in raw]


def company_name(i: int, kind: str, rng: np.random.Generator) -> str:
    """Unique trade name per index: county or town prefix + two brand characters + industry."""
    b = len(BRAND)
    brand = BRAND[i % b] + BRAND[(i // b) % b]
    place = (COUNTY, *TOWNSHIPS)[(i // (b * b)) % (len(TOWNSHIPS) + 1)]
    place = place.removesuffix("镇").removesuffix("乡").removesuffix("街道")
    suffixes = INDUSTRY[kind]
    return place + brand + suffixes[int(rng.integers(0, len(suffixes)))]


def address(rng: np.random.Generator) -> str:
    town = TOWNSHIPS[int(rng.integers(0, len(TOWNSHIPS)))]
    road = ROADS[int(rng.integers(0, len(ROADS)))]
    return f"{COUNTY}{town}{road}{int(rng.integers(1, 999))}号"
