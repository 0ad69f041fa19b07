"""Bid documents: read .docx/.pdf/.txt files and compare the bidders of one tender.

Article 40 of the implementing regulation of the Bidding Law presumes collusion when bidders' files were
compiled by the same unit or person, are abnormally identical, or are mixed up (one bidder's file naming
another bidder). This package reads the files (``extract``) and finds those three signs
(``compare_tender``); see docs/documents.md.

投标文件：读取 .docx/.pdf/.txt，比对同一标段各投标人的文件（同一单位或个人编制、异常一致、混装）。
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.documents.background import Background
    from yunshao.documents.compare import compare_tender
    from yunshao.documents.errors import DocumentError
    from yunshao.documents.extract import extract
    from yunshao.documents.lsh import candidate_pairs
    from yunshao.documents.metadata import GENERIC_META_VALUES
    from yunshao.documents.model import DocMeta, Extracted
    from yunshao.documents.normalise import Normalised, normalise
    from yunshao.documents.records import (
        BidderFiles,
        BidFile,
        CompareSettings,
        MetaLink,
        Mixup,
        PairResult,
        Passage,
        SharedPerson,
        TenderResult,
    )
    from yunshao.documents.shingles import shingle_hash, shingles

__all__ = [
    "GENERIC_META_VALUES",
    "Background",
    "BidFile",
    "BidderFiles",
    "CompareSettings",
    "DocMeta",
    "DocumentError",
    "Extracted",
    "MetaLink",
    "Mixup",
    "Normalised",
    "PairResult",
    "Passage",
    "SharedPerson",
    "TenderResult",
    "candidate_pairs",
    "compare_tender",
    "extract",
    "normalise",
    "shingle_hash",
    "shingles",
]

# imported on first use: the rule catalog reads documents.tables without paying for docx/pdf/datasketch
__getattr__ = lazy_exports(
    __name__,
    {
        "Background": "yunshao.documents.background",
        "compare_tender": "yunshao.documents.compare",
        "DocumentError": "yunshao.documents.errors",
        "extract": "yunshao.documents.extract",
        "candidate_pairs": "yunshao.documents.lsh",
        "GENERIC_META_VALUES": "yunshao.documents.metadata",
        "DocMeta": "yunshao.documents.model",
        "Extracted": "yunshao.documents.model",
        "Normalised": "yunshao.documents.normalise",
        "normalise": "yunshao.documents.normalise",
        "BidderFiles": "yunshao.documents.records",
        "BidFile": "yunshao.documents.records",
        "CompareSettings": "yunshao.documents.records",
        "MetaLink": "yunshao.documents.records",
        "Mixup": "yunshao.documents.records",
        "PairResult": "yunshao.documents.records",
        "Passage": "yunshao.documents.records",
        "SharedPerson": "yunshao.documents.records",
        "TenderResult": "yunshao.documents.records",
        "shingle_hash": "yunshao.documents.shingles",
        "shingles": "yunshao.documents.shingles",
    },
)

# ``extract``, ``normalise`` and ``shingles`` share their name with their submodule: once the submodule is
# imported, the package attribute would be the module and ``__getattr__`` would never be asked. All three are
# cheap (python-docx and pypdf are imported inside the readers), so they are bound eagerly.
from yunshao.documents.extract import extract
from yunshao.documents.normalise import normalise
from yunshao.documents.shingles import shingles
