"""The trail contract: its declaration, and loading a dataset into validated tables plus quarantine.

The input tables are declared in ``schema.py``, the tables and files a run writes in ``outputs.py``.

The declaration and ``ContractError`` are light and imported at once; the loader (DuckDB, pandas) is
imported on first use, so that commands which only name the contract start at once.
"""

from typing import TYPE_CHECKING

from yunshao.contract.errors import ContractError
from yunshao.contract.schema import TABLES, Column, Kind, Table
from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.contract.loader import load_dataset, load_frames
    from yunshao.contract.report import LoadReport, TableReport

__all__ = [
    "TABLES",
    "Column",
    "ContractError",
    "Kind",
    "LoadReport",
    "Table",
    "TableReport",
    "load_dataset",
    "load_frames",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "load_dataset": "yunshao.contract.loader",
        "load_frames": "yunshao.contract.loader",
        "LoadReport": "yunshao.contract.report",
        "TableReport": "yunshao.contract.report",
    },
)
