"""The tables the documents stage leaves in the store, declared once.

The stage writes them, the rule checker and the feature graph create them empty when a dataset has no bid
files (so a rule over them is checked and skipped like any rule whose input is absent), and the pages read
them. Positions are character offsets in the text as extracted (before normalisation).
"""

from __future__ import annotations

from typing import Any

DOC_TABLES: dict[str, dict[str, str]] = {
    "doc_files": {
        "document_id": "VARCHAR",
        "bid_id": "VARCHAR",
        "tender_id": "VARCHAR",
        "company_id": "VARCHAR",
        "kind": "VARCHAR",  # the contract's kind: technical, commercial, price_list, qualification, other
        "file_kind": "VARCHAR",  # docx, pdf, txt
        "pages": "INTEGER",
        "chars": "INTEGER",
        "scanned": "BOOLEAN",
        "author": "VARCHAR",
        "last_modified_by": "VARCHAR",
        "company": "VARCHAR",
        "application": "VARCHAR",
        "template": "VARCHAR",
        "created": "TIMESTAMP",
        "modified": "TIMESTAMP",
    },
    "doc_pairs": {
        "tender_id": "VARCHAR",
        "bid_a": "VARCHAR",
        "bid_b": "VARCHAR",
        "company_a": "VARCHAR",
        "company_b": "VARCHAR",
        "jaccard": "DOUBLE",
        "containment": "DOUBLE",
        "shared_chars": "INTEGER",
        "passages": "INTEGER",
        "longest_passage": "INTEGER",
        "rare_tokens": "VARCHAR[]",
        "same_price_structure": "BOOLEAN",
        "score": "DOUBLE",
    },
    "doc_passages": {
        "tender_id": "VARCHAR",
        "bid_a": "VARCHAR",
        "bid_b": "VARCHAR",
        "rank": "INTEGER",
        "text": "VARCHAR",
        "chars": "INTEGER",
        "rarity": "DOUBLE",
        "document_a": "VARCHAR",
        "start_a": "INTEGER",
        "end_a": "INTEGER",
        "document_b": "VARCHAR",
        "start_b": "INTEGER",
        "end_b": "INTEGER",
    },
    "doc_meta_links": {
        "tender_id": "VARCHAR",
        "bid_a": "VARCHAR",
        "bid_b": "VARCHAR",
        "company_a": "VARCHAR",
        "company_b": "VARCHAR",
        "field": "VARCHAR",  # author, last_modified_by, company, template
        "value": "VARCHAR",
    },
    "doc_mixups": {
        "tender_id": "VARCHAR",
        "bid_id": "VARCHAR",
        "company_id": "VARCHAR",
        "document_id": "VARCHAR",
        "named_bid_id": "VARCHAR",
        "named_company_id": "VARCHAR",
        "start": "INTEGER",
        "end": "INTEGER",
        "snippet": "VARCHAR",
    },
    "doc_shared_people": {
        "tender_id": "VARCHAR",
        "bid_a": "VARCHAR",
        "bid_b": "VARCHAR",
        "person_id": "VARCHAR",
        "name": "VARCHAR",
        "document_id": "VARCHAR",
    },
}


def ddl(table: str) -> str:
    """The column list of ``CREATE TABLE`` for one of the stage's tables."""
    return ", ".join(f'"{c}" {t}' for c, t in DOC_TABLES[table].items())


def create_empty(con: Any, tables: list[str] | None = None) -> None:
    """The stage's tables, empty (a run without bid files, the rule checker)."""
    for table in tables or list(DOC_TABLES):
        con.execute(f"CREATE OR REPLACE TABLE {table} ({ddl(table)})")
