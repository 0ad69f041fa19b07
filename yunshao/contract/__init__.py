"""The trail contract: its declaration, and loading a dataset into validated tables plus quarantine."""

from yunshao.contract.errors import ContractError
from yunshao.contract.loader import load_dataset, load_frames
from yunshao.contract.report import LoadReport, TableReport
from yunshao.contract.schema import TABLES, Column, Kind, Table

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
