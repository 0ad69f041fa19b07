"""Normalisation: width, whitespace, punctuation variants, case, and offsets back to the original."""

from __future__ import annotations

import subprocess
import sys

from tests.documents.helpers import filler
from yunshao.documents import normalise, shingle_hash, shingles


def test_full_width_spaces_and_case() -> None:
    n = normalise("ＡＢＣ １２３，\n项目　经理：Li")
    assert n.text == "abc123,项目经理:li"
    # every normalised character points at the original it came from (worked out by hand)
    assert list(n.offsets) == [0, 1, 2, 4, 5, 6, 7, 9, 10, 12, 13, 14, 15, 16]


def test_chinese_and_western_punctuation_compare_equal() -> None:
    assert normalise("“设计”、《方案》。—（一）").text == normalise('"设计",<方案>.-(一)').text


def test_expanding_character_keeps_offsets() -> None:
    n = normalise("甲…乙")
    assert n.text == "甲...乙"
    assert list(n.offsets) == [0, 1, 1, 1, 2]
    assert n.span(1, 4) == (1, 2)


def test_offsets_recover_original_substring() -> None:
    original = "第 一 章\n  投标函，ＡＢ公司"
    n = normalise(original)
    at = n.text.index("投标函")
    start, end = n.span(at, at + 3)
    assert original[start:end] == "投标函"


def test_shingles_are_the_distinct_five_grams() -> None:
    text = filler(1, 200) + filler(1, 50)  # the second part repeats the first 50 characters
    norm = normalise(text).text
    expected = {norm[i : i + 5] for i in range(len(norm) - 4)}
    assert shingles(norm) == {shingle_hash(g) for g in expected}
    assert len(shingles(norm)) == len(expected)
    assert shingles("") == set()
    assert shingles("短文") == {shingle_hash("短文")}


def test_shingle_hash_is_stable_across_processes() -> None:
    code = "from yunshao.documents import shingle_hash; print(shingle_hash('施工组织设计'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == shingle_hash("施工组织设计")
    assert 0 <= shingle_hash("施工组织设计") < 2**64


def test_whole_text_equals_character_by_character() -> None:
    samples = ["abc", "a b\tc", "ＡＢ…，。 x\n", "项目 名称：…（一）", "", "   ", "㎡㈱ﬁ"]
    for text in samples:
        n = normalise(text)
        ref_text, ref_offsets = "", []
        for i, c in enumerate(text):
            piece = normalise(c).text
            ref_text += piece
            ref_offsets += [i] * len(piece)
        assert (n.text, list(n.offsets)) == (ref_text, ref_offsets)
    assert list(normalise("abc").offsets) == [0, 1, 2]
    assert normalise("㎡").text == "m2"
