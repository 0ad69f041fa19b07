"""The inspector's report on one tender's bid files, as a Word document (python-docx).

An inspector files a report, not a screen: the tender, its bidders, each document warning with its
evidence and guide, the similarity matrix as a table, the top shared passages with their positions (so the
original can be opened at the place), the shared file properties, the mix-ups and the legal basis, in the
language of the request. It writes what ``document_pages.tender_documents`` read (already masked for the
caller), so the Word file cannot show more than the page did.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument

from yunshao.rules.model import PLACEHOLDER, Rule
from yunshao.serving.evidence import part_text
from yunshao.serving.i18n import MESSAGES


def docx_bytes(detail: dict[str, Any], lang: str) -> bytes:
    """The report as the bytes of a .docx file."""
    t = MESSAGES[lang]
    doc = Document()
    tender = detail["tender"]
    doc.add_heading(f"{t['doc_report_title']} · {tender['tender_id']}", level=0)
    unit = tender.get("unit_name") or tender.get("unit_id") or ""
    doc.add_paragraph(
        f"{t['doc_tender']}: {tender['tender_id']} · {t['doc_project']}: {tender['project_id']} "
        f"{tender.get('project_name') or ''} · {t['doc_unit']}: {unit}"
    )
    doc.add_paragraph(f"{t['doc_report_generated']}: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")
    doc.add_heading(t["doc_articles"], level=1)
    doc.add_paragraph(t["doc_articles_text"])
    _bidders(doc, detail, t)
    if not detail["read_any"]:
        doc.add_paragraph(t["doc_no_files"])
    _warnings(doc, detail, t, lang)
    if detail["read_any"]:
        _matrix(doc, detail, t)
        _passages(doc, detail, t)
        _table(
            doc,
            t["doc_meta_links"],
            [t["doc_field"], t["doc_value"], t["doc_company"], t["doc_company"]],
            [
                [t.get(f"doc_field_{m['field']}", m["field"]), m["value"], m["name_a"], m["name_b"]]
                for m in detail["meta"]
            ],
            t,
        )
        _table(
            doc,
            t["doc_mixups"],
            [t["doc_company"], t["doc_document"], t["doc_named_company"], t["doc_position"], t["doc_snippet"]],
            [[m["name"], m["document_id"], m["named"], _mixup_place(m, t), m["snippet"]] for m in detail["mixups"]],
            t,
        )
        _table(
            doc,
            t["doc_shared_people"],
            [t["doc_person"], t["doc_company"], t["doc_company"], t["doc_document"]],
            [[p["person_name"], p["company_a"], p["company_b"], p["document_id"]] for p in detail["people"]],
            t,
        )
    _rule_guides(doc, detail, t)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _table(doc: DocxDocument, title: str, header: list[str], rows: list[list[Any]], t: dict[str, str]) -> None:
    doc.add_heading(title, level=1)
    if not rows:
        doc.add_paragraph(t["doc_none"])
        return
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = _text(value)


def _bidders(doc: DocxDocument, detail: dict[str, Any], t: dict[str, str]) -> None:
    rows = [
        [i, b["bid_id"], b["company_name"], f"{b['price']:,.0f}" if b["price"] is not None else "", b["files"]]
        for i, b in enumerate(detail["bidders"], 1)
    ]
    header = ["#", t["doc_bid"], t["doc_company"], t["doc_price"], t["doc_files"]]
    _table(doc, t["doc_bidders"], header, rows, t)


def _warnings(doc: DocxDocument, detail: dict[str, Any], t: dict[str, str], lang: str) -> None:
    doc.add_heading(t["doc_warnings"], level=1)
    if not detail["warnings"]:
        doc.add_paragraph(t["doc_no_warnings"])
    for w in detail["warnings"]:
        doc.add_heading(f"{t[w['severity']]} · {w['rule_id']} {w.get('rule_name') or ''}", level=2)
        rows = w.get("rows") or []
        if rows:
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            sep = t["ev_sep"]
            for r in rows:
                cells = table.add_row().cells
                cells[0].text = r["label"]
                cells[1].text = sep.join(part_text(p, lang) for p in r["parts"])
        for line in _text(w.get("guide")).splitlines():
            doc.add_paragraph(line)


def _matrix(doc: DocxDocument, detail: dict[str, Any], t: dict[str, str]) -> None:
    doc.add_heading(t["doc_matrix"], level=1)
    doc.add_paragraph(t["doc_matrix_hint"])
    bidders = detail["bidders"]
    n = len(bidders)
    if n == 0:
        doc.add_paragraph(t["doc_none"])
        return
    table = doc.add_table(rows=n + 1, cols=n + 1)
    table.style = "Table Grid"
    for j, b in enumerate(bidders, 1):
        table.cell(0, j).text = f"{j}"
        table.cell(j, 0).text = f"{j} {b['company_name']}"
    for k, cell in enumerate(detail["matrix"]["cells"]):
        i, j = divmod(k, n)
        text = "—" if "containment" not in cell else f"{cell['containment']} / {cell['longest']} {t['doc_chars']}"
        table.cell(i + 1, j + 1).text = text


def _passages(doc: DocxDocument, detail: dict[str, Any], t: dict[str, str]) -> None:
    doc.add_heading(t["doc_top_passages"], level=1)
    if not any(p["top"] for p in detail["pairs"]):
        doc.add_paragraph(t["doc_none"])
    for pair in detail["pairs"]:
        if not pair["top"]:
            continue
        doc.add_heading(
            f"{pair['name_a']} × {pair['name_b']} · {t['doc_score']} {float(pair['score'] or 0):.2f} · "
            f"{t['doc_containment']} {float(pair['containment'] or 0) * 100:.1f}%",
            level=2,
        )
        for s in pair["top"]:
            doc.add_paragraph(
                f"#{s['rank']} · {s['document_a']} [{s['start_a']}–{s['end_a']}] ↔ "
                f"{s['document_b']} [{s['start_b']}–{s['end_b']}] · {s['chars']} {t['doc_chars']}"
            )
            doc.add_paragraph(_text(s["text"]), style="Quote")


def rule_guides(rules: list[Rule], lang: str) -> list[dict[str, Any]]:
    """Each rule's guide in ``lang`` as a report cites it: the basis, what to check, how, what to rule out.
    Its placeholders name a hit's facts; outside a hit they read as an ellipsis."""
    out = []
    for rule in rules:
        guide = rule.guide.zh if lang == "zh" else rule.guide.en
        out.append(
            {
                "id": rule.id,
                "name": rule.label(lang),
                "article": rule.legal_basis.article.zh if lang == "zh" else rule.legal_basis.article.en,
                "what": PLACEHOLDER.sub("…", guide.what),
                "how": PLACEHOLDER.sub("…", guide.how),
                "rule_out": [PLACEHOLDER.sub("…", x) for x in guide.rule_out],
            }
        )
    return out


def _rule_guides(doc: DocxDocument, detail: dict[str, Any], t: dict[str, str]) -> None:
    doc.add_heading(t["doc_rule_guides"], level=1)
    for g in detail["guides"]:
        doc.add_heading(f"{g['id']} {g['name']}", level=2)
        doc.add_paragraph(f"{t['doc_rule_basis']}: {g['article']}")
        doc.add_paragraph(f"{t['doc_guide_what']}: {g['what']}")
        doc.add_paragraph(f"{t['doc_guide_how']}: {g['how']}")
        doc.add_paragraph(f"{t['doc_guide_rule_out']}:")
        for item in g["rule_out"]:
            doc.add_paragraph(item, style="List Number")


def _mixup_place(mixup: dict[str, Any], t: dict[str, str]) -> str:
    """Where the other bidder is named: a span of the text, or a file property."""
    place = mixup.get("place") or "text"
    if place == "text":
        return f"{mixup['start']}–{mixup['end']}"
    return f"{t['doc_property']}: {t.get(f'doc_field_{place}', place)}"
