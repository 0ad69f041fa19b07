"""Simulated bid and tender files (contract v1.1 ``bid_documents``, ``tender_documents``), written on request
by ``yunshao simulate OUT --documents``, with the traces rigging rings leave in them and their truth."""

from yunshao.simulate.documents.build import FOLDER, TRUTH_COLUMNS, TRUTH_FILE, DocumentsResult, write_documents

__all__ = ["FOLDER", "TRUTH_COLUMNS", "TRUTH_FILE", "DocumentsResult", "write_documents"]
