"""Tokens whose sharing is evidence of one hand: figures with their unit ("1.2.3.5万元", "c30"), codes, and
Chinese character pairs. Two bidders writing the same unusual figure, or the same wrong character pair
("设汁" for 设计), that no other file of the run contains, is the "identical error" the regulation names;
it weighs more than a common phrase."""

from __future__ import annotations

import operator
import re

UNITS = "万元|亿元|元|万|平方米|米|吨|天|日|个|项|台|套"
#: a number with thousands separators ("2,654,806.20元") is one figure, not "2", "654" and "806.20元"
FIGURE = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?:{UNITS})?|[0-9a-z][0-9a-z.\-/%:_]*[0-9a-z%](?:{UNITS})?")
PLAIN_NUMBER = re.compile(rf"[\d,]+(?:\.\d+)?%?(?:{UNITS})?")
#: digits from which two bidders writing the same plain number is unlikely to be chance
MIN_FIGURE_DIGITS = 5
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def figure_tokens(text: str) -> set[str]:
    """Figures, codes and Latin words of a normalised text that contain at least one digit or are 4+ long."""
    return {t for t in FIGURE.findall(text) if any(c.isdigit() for c in t) or len(t) >= 4}


def telling_figure(token: str) -> bool:
    """Whether two unrelated bidders are unlikely to write ``token`` by chance: a plain number needs five
    or more digits (a price list holds dozens of quantities like "153.6项", and two bids of one tender
    share some of them by coincidence); a form no plain number has ("1.2.3.5万元", a code) always tells."""
    if PLAIN_NUMBER.fullmatch(token) is None:
        return True
    return sum(c.isdigit() for c in token) >= MIN_FIGURE_DIGITS


_SCALE = {"万元": 1e4, "万": 1e4, "亿元": 1e8}
_VALUE = re.compile(r"([\d,]+(?:\.\d+)?)(万元|亿元|元|万)?")


def is_amount(token: str, amount: float | None) -> bool:
    """Whether ``token`` writes ``amount`` (yuan, to the fen): "2,654,806.20元", "2654806.2", "265.48062万元"."""
    if amount is None or not token[:1].isdigit():
        return False
    found = _VALUE.fullmatch(token)
    if found is None:
        return False
    try:
        value = float(found.group(1).replace(",", "")) * _SCALE.get(found.group(2) or "", 1.0)
    except ValueError:
        return False
    return abs(value - amount) < 0.005


def cjk_bigrams(text: str) -> set[str]:
    """Every pair of adjacent Chinese characters in a normalised text."""
    out: set[str] = set()
    for run in CJK_RUN.findall(text):
        out.update(map(operator.add, run, run[1:]))
    return out


def tokens(text: str) -> set[str]:
    """Figures and Chinese bigrams of a normalised text."""
    return figure_tokens(text) | cjk_bigrams(text)


def is_cjk_bigram(token: str) -> bool:
    """True for a token made of two Chinese characters."""
    return len(token) == 2 and CJK_RUN.fullmatch(token) is not None
