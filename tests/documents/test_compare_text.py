"""Text comparison of one tender's bidders: Jaccard and containment, passages, the tender's boilerplate,
rarity against the background, and identical errors. Expected values come from a brute-force reference
(string 5-gram sets, longest common substring by dynamic programming)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.helpers import bidder, filler, grams, longest_common_substring, make_scanned_pdf
from yunshao.documents import Background, CompareSettings, compare_tender, extract, normalise, shingle_hash


def test_jaccard_and_containment_match_brute_force() -> None:
    shared = filler(10, 120)
    tender = "投标人须知：" + filler(11, 80)
    a = "甲公司技术标。" + shared + tender[:60] + filler(12, 200)
    b = "乙公司技术标。" + filler(13, 90) + shared + tender[:60]
    result = compare_tender([tender], [bidder("A", [a]), bidder("B", [b])])
    assert len(result.pairs) == 1
    pair = result.pairs[0]
    ga, gb, gt = grams(a) - grams(tender), grams(b) - grams(tender), grams(tender)
    assert gt  # the tender really overlaps both bids
    assert pair.jaccard == pytest.approx(len(ga & gb) / len(ga | gb))
    assert pair.containment == pytest.approx(len(ga & gb) / min(len(ga), len(gb)))


def test_longest_passage_is_the_longest_common_substring_with_positions() -> None:
    a = "第一章 施工方案\n" + filler(20, 60) + "，" + filler(21, 45) + "。" + filler(22, 80)
    b = filler(23, 70) + filler(20, 60) + "," + filler(21, 45) + "." + filler(24, 50)
    pair = compare_tender([], [bidder("A", [a]), bidder("B", [b])]).pairs[0]
    na, nb = normalise(a).text, normalise(b).text
    expected = longest_common_substring(na, nb)
    assert len(expected) == 60 + 1 + 45 + 1  # full-width and Western punctuation compare equal
    top = max(pair.passages, key=lambda p: p.chars)
    assert top.chars == len(expected)
    assert normalise(a[top.start_a : top.end_a]).text == expected
    assert normalise(b[top.start_b : top.end_b]).text == expected
    assert top.text == a[top.start_a : top.end_a]
    assert (top.document_a, top.document_b) == ("A-0", "B-0")
    assert pair.shared_chars == sum(p.chars for p in pair.passages)
    assert top.rarity == 1.0 and top.score == top.chars


def test_passages_below_minimum_are_not_reported() -> None:
    common = filler(30, 29)
    a, b = filler(31, 100) + common + filler(32, 50), filler(33, 100) + common + filler(34, 50)
    settings = CompareSettings(lsh_threshold=0.0)
    assert len(longest_common_substring(normalise(a).text, normalise(b).text)) == 29
    result = compare_tender([], [bidder("A", [a]), bidder("B", [b])], settings=settings)
    assert all(p.passages == [] for p in result.pairs)


def test_tender_text_removes_the_boilerplate_passage() -> None:
    clause = "投标人应当遵守招标文件的全部条款，" + filler(40, 60)
    a = filler(41, 150) + clause + filler(42, 150) + filler(45, 40)
    b = filler(43, 150) + clause + filler(44, 150) + filler(45, 40)
    settings = CompareSettings(lsh_threshold=0.0)
    without = compare_tender([], [bidder("A", [a]), bidder("B", [b])], settings=settings).pairs[0]
    assert any(normalise(p.text).text == normalise(clause).text for p in without.passages)
    with_tender = compare_tender([clause], [bidder("A", [a]), bidder("B", [b])], settings=settings).pairs[0]
    assert all(normalise(clause).text[5:-5] not in normalise(p.text).text for p in with_tender.passages)
    assert [p.chars for p in with_tender.passages] == [40]  # only the shared tail of filler 45 is left
    assert with_tender.jaccard < without.jaccard


def test_background_passage_scores_below_unique_passage() -> None:
    boilerplate = filler(50, 60)
    unique = filler(51, 60)
    a = filler(52, 100) + boilerplate + filler(53, 100) + unique + filler(54, 100)
    b = filler(55, 100) + boilerplate + filler(56, 100) + unique + filler(57, 100)
    background = Background.from_texts([filler(60 + n, 80) + boilerplate for n in range(5)])
    pair = compare_tender([], [bidder("A", [a]), bidder("B", [b])], background).pairs[0]
    by_text = {normalise(p.text).text: p for p in pair.passages}
    common, rare = by_text[boilerplate], by_text[unique]
    assert common.chars == rare.chars == 60
    assert rare.rarity == 1.0
    assert common.rarity == pytest.approx(1 / 6)  # each of its 56 grams is in 5 background texts
    assert rare.score > common.score
    assert pair.passages[0] is rare  # ranked by length × rarity


def test_shared_typo_and_odd_figure_are_rare_tokens() -> None:
    # a background of ordinary bids: it holds the ordinary words of the three bids, not their errors
    ordinary = [f"{filler(70 + n, 60)}我方施工组织设计如下，本工程详见附件，报价总价{n}万元。" for n in range(25)]
    background = Background.from_texts(ordinary)
    a = filler(80, 200) + "本工程施工组织设汁详见附件，报价1.2.3.5万元。" + filler(81, 100)
    b = filler(82, 200) + "我方施工组织设汁如下，总价1.2.3.5万元。" + filler(83, 100)
    c = filler(84, 200) + "我方施工组织设计如下，总价120万元。" + filler(85, 100)
    result = compare_tender([], [bidder("A", [a]), bidder("B", [b]), bidder("C", [c])], background)
    pairs = {(p.bid_a, p.bid_b): p for p in result.pairs}
    assert "1.2.3.5万元" in pairs[("A", "B")].shared_rare_tokens
    assert "设汁" in pairs[("A", "B")].shared_rare_tokens
    assert "设计" not in pairs[("A", "B")].shared_rare_tokens
    for key, pair in pairs.items():
        if key != ("A", "B"):
            assert pair.shared_rare_tokens == []
    assert pairs[("A", "B")].score > max((p.score for k, p in pairs.items() if k != ("A", "B")), default=0.0)


def test_bigrams_need_a_large_background() -> None:
    a = filler(90, 100) + "施工组织设汁"
    b = filler(91, 100) + "施工组织设汁"
    result = compare_tender([], [bidder("A", [a]), bidder("B", [b])], Background.from_texts(["施工组织设计"]))
    tokens = [t for p in result.pairs for t in p.shared_rare_tokens]
    assert "设汁" not in tokens


def test_random_shared_bigram_without_shared_context_is_not_a_token() -> None:
    background = Background.from_texts([filler(120 + n, 50) + "施工组织设计" for n in range(25)])
    a = "甲方案设汁。" + filler(130, 100)
    b = "乙图纸设汁，" + filler(131, 100)  # the same rare pair, each time in a different context
    result = compare_tender([], [bidder("A", [a]), bidder("B", [b])], background)
    assert all("设汁" not in p.shared_rare_tokens for p in result.pairs)


def test_unrelated_bids_are_not_paired_and_empty_bids_do_not_fail() -> None:
    bids = [bidder("A", [filler(100, 500)]), bidder("B", [filler(101, 500)]), bidder("E", [""]), bidder("N", [])]
    result = compare_tender(["招标文件"], bids)
    assert result.pairs == []
    assert result.meta_links == [] and result.mixups == [] and result.shared_people == []


def test_score_is_bounded_and_identical_files_score_high() -> None:
    text = filler(110, 3000)
    pair = compare_tender([], [bidder("A", [text]), bidder("B", [text])]).pairs[0]
    assert pair.jaccard == pytest.approx(1.0) and pair.containment == pytest.approx(1.0)
    # noisy-or of containment 1 (weight 0.5) and saturated passages (weight 0.7), no token, no table
    assert pair.score == pytest.approx(1 - (1 - 0.5) * (1 - 0.7))
    assert 0.0 <= pair.score <= 1.0


def test_lsh_path_above_exact_limit_finds_the_copied_pair() -> None:
    copied = filler(140, 800)
    bids = [bidder("A", [copied + filler(141, 100)]), bidder("B", [filler(142, 100) + copied])]
    bids += [bidder(f"X{n}", [filler(150 + n, 900)]) for n in range(4)]
    settings = CompareSettings(exact_pairs_max_bidders=2)
    result = compare_tender([], bids, settings=settings)
    assert [(p.bid_a, p.bid_b) for p in result.pairs] == [("A", "B")]
    assert result.pairs[0].passages[0].chars == 800


def test_scanned_and_txt_files_from_disk(tmp_path: Path) -> None:
    clause = filler(160, 120)
    (tmp_path / "a.txt").write_bytes(("华建公司技术标\n" + clause).encode("gb18030"))
    (tmp_path / "b.txt").write_bytes(("远大公司技术标\r\n" + clause).encode("utf-8-sig"))
    scan = extract(make_scanned_pdf(tmp_path / "scan.pdf"))
    a = bidder("A", {"a": extract(tmp_path / "a.txt"), "a-scan": scan})
    b = bidder("B", {"b": extract(tmp_path / "b.txt")})
    pair = compare_tender([], [a, b]).pairs[0]
    assert [(p.document_a, p.document_b, p.chars) for p in pair.passages] == [
        ("a", "b", 5 + 120)
    ]  # "公司技术标" + clause


def test_background_excluding_equals_background_of_the_others() -> None:
    texts = [filler(200 + n, 80) + "共同条款" + filler(300, 40) for n in range(6)]
    whole = Background.from_texts(texts)
    others = Background.from_texts(texts[2:])
    without = whole.excluding(texts[:2])
    norm = [normalise(t).text for t in texts]
    probe = {norm[0][i : i + 5] for i in range(len(norm[0]) - 4)}
    assert without.n_docs == others.n_docs == 4
    assert all(without.df(shingle_hash(g)) == others.df(shingle_hash(g)) for g in probe)
    assert without.df(shingle_hash(normalise(filler(300, 40)).text[:5])) == 4
    assert without.token_df("共同") == others.token_df("共同") == 4


def test_background_combine_equals_background_of_all_texts() -> None:
    texts = [filler(400 + n, 60) + "共同条款" for n in range(4)]
    combined = Background.combine([Background.from_texts(texts[:1]), Background.from_texts(texts[1:])])
    whole = Background.from_texts(texts)
    grams = {normalise(t).text[i : i + 5] for t in texts for i in range(len(normalise(t).text) - 4)}
    assert combined.n_docs == whole.n_docs == 4
    assert all(combined.df(shingle_hash(g)) == whole.df(shingle_hash(g)) for g in grams)
    assert combined.token_df("条款") == 4
    with pytest.raises(ValueError):
        Background.combine([whole.excluding(texts[:1])])


def test_short_plain_figures_are_chance_not_identity() -> None:
    """Two price lists share a few short quantities by coincidence; a long figure or an odd form tells."""
    background = Background.from_texts([filler(140 + n, 80) + "投标报价合计万元，工期天" for n in range(25)])
    shared = "模板153.6项，工期120天，损耗3.5%，投标总报价2,654,806.20元，另计1.2.3.5万元。"
    a = filler(150, 200) + shared + filler(151, 100)
    b = filler(152, 200) + "钢筋153.6项，120天内完工，3.5%，报价2,654,806.20元，1.2.3.5万元。" + filler(153, 100)
    pair = compare_tender([], [bidder("A", [a]), bidder("B", [b])], background).pairs[0]
    assert sorted(pair.shared_rare_tokens) == ["1.2.3.5万元", "2,654,806.20元"]


def test_a_bids_own_equal_price_is_not_an_identical_error() -> None:
    """Two bids of the same declared price write the same total: that is BID-R40-4's evidence (read from the
    bids table), not a figure one hand copied; the odd figure still tells."""
    from dataclasses import replace

    background = Background.from_texts([filler(140 + n, 80) + "投标报价合计万元" for n in range(25)])
    a = filler(160, 200) + "投标总报价2,654,806.20元，另计1.2.3.5万元。" + filler(161, 100)
    b = filler(162, 200) + "投标总价:2,654,806.20元，合265.48062万元，1.2.3.5万元。" + filler(163, 100)
    priced = [replace(bidder("A", [a]), price=2654806.2), replace(bidder("B", [b]), price=2654806.2)]
    assert compare_tender([], priced, background).pairs[0].shared_rare_tokens == ["1.2.3.5万元"]
    other = [replace(bidder("A", [a]), price=2654806.2), replace(bidder("B", [b]), price=2654806.3)]
    # B writing A's price while quoting another is no equal price: it stays evidence
    assert "2,654,806.20元" in compare_tender([], other, background).pairs[0].shared_rare_tokens
    assert (
        "2,654,806.20元"
        in compare_tender([], [bidder("A", [a]), bidder("B", [b])], background).pairs[0].shared_rare_tokens
    )


def test_amounts_are_recognised_in_yuan_and_wan_yuan() -> None:
    from yunshao.documents.tokens import is_amount

    assert is_amount("2,654,806.20元", 2654806.2) and is_amount("2654806.2", 2654806.2)
    assert is_amount("265.48062万元", 2654806.2) and is_amount("0.0265480620亿元", 2654806.2)
    assert not is_amount("2654806.21元", 2654806.2) and not is_amount("2654806.20元", None)
    assert not is_amount("c30-2", 30.0) and not is_amount("1.2.3.5万元", 1.2)


def test_a_number_with_thousands_separators_is_one_figure() -> None:
    from yunshao.documents.tokens import figure_tokens

    assert figure_tokens("报价2,654,806.20元,工期120天") == {"2,654,806.20元", "120天"}


def test_common_sentences_in_an_order_no_other_file_has_make_a_rare_passage() -> None:
    """Each sentence of the shared section is in other tenders' files, but never in this order; the
    windows spanning two sentences are nowhere else, so the passage is rare as a whole."""
    sentences = [filler(200 + i, 30) for i in range(7)]
    others = [filler(220 + n, 60) + sentences[n % 7] + filler(230 + n, 60) for n in range(14)]
    background = Background.from_texts(others)
    section = "".join(sentences)
    a = filler(240, 100) + section + filler(241, 100)
    b = filler(242, 100) + section + filler(243, 100)
    pair = compare_tender([], [bidder("A", [a]), bidder("B", [b])], background).pairs[0]
    top = pair.passages[0]
    assert normalise(top.text).text == normalise(section).text
    inside = 7 * (30 - 25 + 1)  # windows inside one sentence: each in 2 of the background files
    spanning = (len(section) - 25 + 1) - inside
    assert top.rarity == pytest.approx((spanning + inside / 3) / (len(section) - 25 + 1))
    assert top.rarity > 0.5
