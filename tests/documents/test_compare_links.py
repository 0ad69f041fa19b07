"""Metadata links, mix-ups, shared people and price-list structure, on real .docx files where the
metadata matters."""

from __future__ import annotations

from pathlib import Path

from tests.documents.helpers import bidder, filler, make_docx, make_pdf
from yunshao.documents import GENERIC_META_VALUES, BidderFiles, Extracted, compare_tender, extract, normalise
from yunshao.documents.model import DocMeta


def test_metadata_links_ignore_generic_values_and_the_tender_template(tmp_path: Path) -> None:
    tender_doc = extract(make_docx(tmp_path / "tender.docx", ["招标文件正文"], template="某招标代理模板.dotx"))
    template, app = "某招标代理模板.dotx", "Microsoft Office Word"
    files = {
        "A": make_docx(
            tmp_path / "a.docx",
            [filler(1, 200)],
            author="Administrator",
            last_modified_by="王小明",
            company="宏远造价咨询",
            template=template,
            application=app,
        ),
        "B": make_docx(
            tmp_path / "b.docx",
            [filler(2, 200)],
            author=" 王小明 ",
            last_modified_by="administrator",
            company="宏远造价咨询",
            template=template,
            application=app,
        ),
        "C": make_docx(
            tmp_path / "c.docx",
            [filler(3, 200)],
            author="Administrator",
            company="Microsoft",
            template=template,
            application=app,
        ),
    }
    bids = [bidder(k, {f"{k}-doc": extract(p)}) for k, p in files.items()]
    result = compare_tender([tender_doc], bids)
    links = {(m.bid_a, m.bid_b, m.field, m.value) for m in result.meta_links}
    assert links == {
        ("A", "B", "author+last_modified_by", "王小明"),  # A's last editor wrote B's file
        ("A", "B", "company", "宏远造价咨询"),
    }
    # 'Administrator' (shared by all three) and 'Microsoft' are generic; the template is the tender's
    assert "administrator" in GENERIC_META_VALUES and "normal.dotm" in GENERIC_META_VALUES


def test_template_not_in_tender_links_bidders() -> None:
    meta = DocMeta(template="华建投标专用.dotx")
    a = bidder("A", {"A-1": Extracted.from_text(filler(1, 100), meta)})
    b = bidder("B", {"B-1": Extracted.from_text(filler(2, 100), meta)})
    result = compare_tender(["招标文件"], [a, b])
    assert [(m.field, m.value) for m in result.meta_links] == [("template", "华建投标专用.dotx")]


def test_mixup_reports_original_position_and_ignores_names_in_tender() -> None:
    name_a = "华建建设工程有限公司"
    name_c = "盛达市政工程有限公司"
    text_b = filler(10, 50) + "投标人：华建 建设工程\n有限公司（盖章）" + filler(11, 50) + name_c
    bids = [
        bidder("A", [filler(12, 100)], company_name=name_a),
        bidder("B", [text_b], company_name="远大路桥有限公司"),
        bidder("C", [filler(13, 100)], company_name=name_c),
    ]
    tender = "本项目前期勘察由盛达市政工程有限公司完成。"  # C is named by the tender itself
    result = compare_tender([tender], bids)
    assert len(result.mixups) == 1
    m = result.mixups[0]
    assert (m.bid_id, m.document_id, m.named_bid_id, m.named_company_id) == ("B", "B-0", "A", "C-A")
    start = text_b.index("华建")
    end = text_b.index("有限公司（") + len("有限公司")
    assert (m.start, m.end) == (start, end)
    assert text_b[m.start : m.end] == "华建 建设工程\n有限公司"
    assert "华建 建设工程 有限公司" in m.snippet


def test_a_file_property_naming_another_bidder_is_a_mixup(tmp_path: Path) -> None:
    """B's .docx was saved with A's name in its company and author properties (made from A's file): mix-ups
    with no position in the text; C's property names B. Values the tender's file carries are none."""
    path = tmp_path / "b.docx"
    make_docx(path, [filler(21, 80)], company="华建 建设工程有限公司", author="华建建设工程有限公司 张工")
    bids = [
        bidder("A", [filler(20, 80)], company_name="华建建设工程有限公司"),
        bidder("B", {"B-docx": extract(path)}, company_name="远大路桥有限公司"),
        bidder("C", {"C-0": Extracted.from_text(filler(22, 80), DocMeta(company="远大路桥有限公司"))}),
    ]
    mixups = compare_tender([], bids).mixups
    assert [(m.bid_id, m.named_bid_id, m.place, m.start, m.end, m.snippet) for m in mixups] == [
        ("B", "A", "company", None, None, "华建 建设工程有限公司"),
        ("B", "A", "author", None, None, "华建建设工程有限公司 张工"),
        ("C", "B", "company", None, None, "远大路桥有限公司"),
    ]
    tender = Extracted.from_text(
        "招标文件", DocMeta(company="华建 建设工程有限公司", author="华建建设工程有限公司 张工")
    )
    assert compare_tender([tender], bids[:2]).mixups == []


def test_parent_company_name_in_own_branch_name_is_not_a_mixup() -> None:
    bids = [
        bidder("A", [filler(1, 50)], company_name="华建集团有限公司"),
        bidder("B", ["华建集团有限公司第二分公司投标文件" + filler(2, 50)], company_name="华建集团有限公司第二分公司"),
    ]
    assert compare_tender([], bids).mixups == []


def test_person_declared_by_one_bidder_named_in_another() -> None:
    text_b = filler(20, 30) + "项目经理：李建国，注册建造师。" + filler(21, 30)
    bids = [
        bidder("A", [filler(22, 80)], people={"P1": "李建国", "P2": "赵"}),
        bidder("B", [text_b], people={"P9": "陈红"}),
        bidder("C", ["技术负责人李建国" + filler(23, 30)], people={"P7": "李建国"}),  # C's own namesake
    ]
    result = compare_tender([], bids)
    found = [(s.person_id, s.declared_by_bid_id, s.found_in_bid_id, s.start, s.end) for s in result.shared_people]
    start = text_b.index("李建国")
    assert found == [("P1", "A", "B", start, start + 3), ("P7", "C", "B", start, start + 3)]
    # P2 '赵' is too short to search; C's 李建国 is C's own person, not A's


def test_a_name_inside_a_longer_name_the_bidder_declared_is_no_mention() -> None:
    """B's own manager 谭亮佳 contains A's 谭亮: no mention there; 谭亮 on his own later in B's file is one."""
    own = filler(30, 20) + "拟派项目经理谭亮佳，持一级建造师证。" + filler(31, 20)
    bids = [
        bidder("A", [filler(32, 60)], people={"P1": "谭亮"}),
        bidder("B", [own], people={"P2": "谭亮佳"}),
    ]
    assert compare_tender([], bids).shared_people == []
    later = own + "安全员：谭亮。"
    bids[1] = bidder("B", [later], people={"P2": "谭亮佳"})
    found = [(s.person_id, s.found_in_bid_id, s.start) for s in compare_tender([], bids).shared_people]
    assert found == [("P1", "B", later.index("谭亮。"))]


def test_person_named_in_tender_is_not_shared() -> None:
    bids = [bidder("A", [filler(1, 50)], people={"P1": "李建国"}), bidder("B", ["联系人李建国" + filler(2, 50)])]
    assert compare_tender(["招标人联系人：李建国"], bids).shared_people == []


def _price_bid(tmp_path: Path, bid: str, rows: list[list[str]]) -> BidderFiles:
    ex = extract(make_docx(tmp_path / f"{bid}.docx", [filler(ord(bid), 60)], [rows]))
    return bidder(bid, {f"{bid}-price": ex}, kind="price_list")


def test_identical_price_structure_beyond_tender_rows(tmp_path: Path) -> None:
    header = ["序号", "项目", "单位", "数量", "单价"]
    tender_table = (tuple(header),)
    tender = Extracted(kind="docx", text="工程量清单", pages=("工程量清单",), tables=(tender_table,))
    rows_a = [header, ["1", "土方开挖", "m3", "120", "35.5"], ["2", "C30 混凝土", "m3", "80", "420"]]
    rows_a += [["3", "钢筋制安", "t", "12", "5100"], ["4", "临时排水措施", "项", "1", "8000"]]
    rows_b = [[r[0], r[1], r[2], r[3], str(float(r[4]) * 1.03)] if i else r for i, r in enumerate(rows_a)]
    rows_c = [header, ["1", "土方开挖", "m3", "120", "36"], ["2", "钢筋制安", "t", "12", "5000"]]
    rows_c += [["3", "C30混凝土", "m3", "80", "400"], ["4", "安全文明施工", "项", "1", "9000"]]
    bids = [_price_bid(tmp_path, b, r) for b, r in (("A", rows_a), ("B", rows_b), ("C", rows_c))]
    result = compare_tender([tender], bids)
    flags = {(p.bid_a, p.bid_b): p.same_price_structure for p in result.pairs}
    assert flags.get(("A", "B")) is True
    assert not flags.get(("A", "C")) and not flags.get(("B", "C"))
    # the header row is the tender's: bids repeating only the tender's table are not flagged
    only_header = [_price_bid(tmp_path, b, [header, ["1", "", "", "", ""]]) for b in ("X", "Y")]
    assert all(not p.same_price_structure for p in compare_tender([tender], only_header).pairs)


def test_the_tenders_items_in_an_order_of_the_bidders_own(tmp_path: Path) -> None:
    """The tender prescribes five items. Filling them in the tender's order (even under another header)
    tells nothing; two bidders listing them in the same order of their own were filled in from one file."""
    header = ["序号", "项目", "单位", "数量", "单价"]
    items = [["土方开挖", "m3"], ["C30混凝土", "m3"], ["钢筋制安", "t"], ["模板", "m2"], ["临时排水", "项"]]
    tender_table = (tuple(header), *(("", name, unit, "", "") for name, unit in items))
    tender = Extracted(kind="docx", text="工程量清单", pages=("工程量清单",), tables=(tender_table,))

    def rows(order: list[int], head: list[str], price: float) -> list[list[str]]:
        body = [[str(n), *items[k], "10", f"{price + k:.2f}"] for n, k in enumerate(order, 1)]
        return [head, *body]

    own_order, other_order = [2, 0, 4, 1, 3], [4, 3, 2, 1, 0]
    other_head = ["编号", "名称", "单位", "数量", "综合单价"]
    bids = [
        _price_bid(tmp_path, "A", rows(own_order, header, 30.0)),
        _price_bid(tmp_path, "B", rows(own_order, header, 31.5)),
        _price_bid(tmp_path, "C", rows(other_order, header, 29.0)),
        _price_bid(tmp_path, "D", rows([0, 1, 2, 3, 4], other_head, 30.5)),
        _price_bid(tmp_path, "E", rows([0, 1, 2, 3, 4], other_head, 32.0)),
    ]
    flags = {(p.bid_a, p.bid_b) for p in compare_tender([tender], bids).pairs if p.same_price_structure}
    assert flags == {("A", "B")}


def test_mixup_found_in_docx_header_and_in_pdf_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Alpha Builders Ltd 投标文件"
    document.add_paragraph(filler(5, 100))
    document.save(str(tmp_path / "b.docx"))
    make_pdf(tmp_path / "c.pdf", ["Bid of Gamma Works Co. Prepared for ALPHA  BUILDERS LTD. as agreed."])
    bids = [
        bidder("A", [filler(6, 50)], company_name="Alpha Builders Ltd"),
        bidder("B", {"B-docx": extract(tmp_path / "b.docx")}, company_name="Beta Roads Ltd"),
        bidder("C", {"C-pdf": extract(tmp_path / "c.pdf")}, company_name="Gamma Works Co"),
    ]
    mixups = compare_tender([], bids).mixups
    assert [(m.bid_id, m.document_id, m.named_bid_id) for m in mixups] == [("B", "B-docx", "A"), ("C", "C-pdf", "A")]
    for m in mixups:
        doc = next(f for b in bids for f in b.files if f.document_id == m.document_id)
        found = doc.extracted.text[m.start : m.end]
        assert normalise(found).text == "alphabuildersltd"


def test_passage_positions_in_the_second_file_of_each_bidder() -> None:
    copied = filler(7, 80)
    a_files = [filler(8, 100), filler(9, 30) + "\n" + copied + filler(10, 20)]
    b_files = [filler(11, 100), filler(12, 100), "  " + copied]
    pair = compare_tender([], [bidder("A", a_files), bidder("B", b_files)]).pairs[0]
    [p] = pair.passages
    assert (p.document_a, p.document_b) == ("A-1", "B-2")
    assert (p.start_a, p.end_a) == (31, 111)
    assert (p.start_b, p.end_b) == (2, 82)
    assert a_files[1][p.start_a : p.end_a] == b_files[2][p.start_b : p.end_b] == copied
