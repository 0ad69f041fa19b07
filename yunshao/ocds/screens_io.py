"""Reading the bids and the past verdicts of ``yunshao screens``; every error is one line naming the file,
the row and the column, because the people who run it fix their spreadsheet, not our code.

Rows are numbered as in a spreadsheet for CSV (the header is row 1) and from 1 for Parquet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

BID_COLUMNS = ("tender_id", "company_id", "price", "is_winner")
VERDICT_COLUMNS = ("tender_id", "collusive")
MIN_VERDICTS_PER_CLASS = 2  # two folds need one tender of each class each
_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n"}


class ScreenInputError(ValueError):
    """An input file that cannot be used: the message names the file, row and column."""


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """The file's rows as text (CSV) or as stored (Parquet), and the row number of its first data row."""
    path = Path(path)
    if path.suffix.lower() in {".parquet", ".pq"}:
        try:
            return pd.read_parquet(path), 1
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise ScreenInputError(f"{path}: cannot read as Parquet: {_one_line(exc)}") from exc
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False), 2
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ScreenInputError(f"{path}: cannot read as CSV: {_one_line(exc)}") from exc


def _require(raw: pd.DataFrame, path: Path, columns: tuple[str, ...], expected: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise ScreenInputError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(expected)}")


def _text(values: pd.Series) -> pd.Series:
    """Ids as stripped text; a missing value becomes ''."""
    return values.astype("string").fillna("").str.strip()


def _first_bad(
    bad: np.ndarray | pd.Series, raw: pd.DataFrame, column: str, path: Path, first_row: int, why: str
) -> None:
    flags = np.asarray(bad, dtype=bool)
    if flags.any():
        index = int(np.flatnonzero(flags)[0])
        value = raw[column].iloc[index]
        raise ScreenInputError(f"{path}: row {index + first_row}, column {column}: {why} {value!r}")


def _parse_winner(value: object, path: Path, row: int) -> bool | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    lowered = str(value).strip().lower()
    if lowered == "":
        return None
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ScreenInputError(f"{path}: row {row}, column is_winner: {value!r} is not true/false")


def read_bids(path: Path) -> pd.DataFrame:
    """Bids as typed columns (tender_id, company_id, price, is_winner) from CSV or Parquet."""
    path = Path(path)
    raw, first = read_table(path)
    _require(raw, path, ("tender_id", "company_id", "price"), BID_COLUMNS)
    tender = _text(raw["tender_id"])
    prices = pd.to_numeric(raw["price"].astype("string").str.strip(), errors="coerce").astype("float64")
    _first_bad(tender == "", raw, "tender_id", path, first, "cannot use")
    _first_bad(~np.isfinite(prices.to_numpy()), raw, "price", path, first, "cannot use")
    winners = raw["is_winner"] if "is_winner" in raw.columns else pd.Series([None] * len(raw), dtype=object)
    flags = [_parse_winner(v, path, i + first) for i, v in enumerate(winners.tolist())]
    return pd.DataFrame(
        {
            "tender_id": tender.astype("string"),
            "company_id": _text(raw["company_id"]).astype("string"),
            "price": prices,
            "is_winner": pd.array(flags, dtype="boolean"),
        }
    )


def read_bids_csv(path: Path) -> pd.DataFrame:
    """Kept for callers of the CSV-only reader; ``read_bids`` also reads Parquet."""
    return read_bids(path)


def _verdict_values(raw: pd.DataFrame, path: Path, first: int) -> np.ndarray:
    text = raw["collusive"].astype("string").fillna("").str.strip().str.lower()
    mapping = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "false": 0, "true": 1}
    values = text.map(mapping)
    _first_bad(values.isna(), raw, "collusive", path, first, "must be 0 or 1, not")
    return values.to_numpy(dtype="int64")


def read_verdicts(path: Path, tenders: pd.Index | pd.Series) -> pd.Series:
    """Past verdicts, collusive 0/1 indexed by tender_id, checked against the tenders of the bids file.

    A tender named twice must carry the same verdict; every tender must be one of the bids file; both
    classes must be present, since nothing can be learnt from verdicts that all say the same."""
    path = Path(path)
    raw, first = read_table(path)
    _require(raw, path, VERDICT_COLUMNS, VERDICT_COLUMNS)
    if raw.empty:
        raise ScreenInputError(f"{path}: no verdicts (the file has no data rows)")
    tender = _text(raw["tender_id"])
    _first_bad(tender == "", raw, "tender_id", path, first, "cannot use")
    known = set(pd.Series(tenders, dtype="string"))
    _first_bad(~tender.isin(known).to_numpy(), raw, "tender_id", path, first, "no such tender in the bids:")
    values = _verdict_values(raw, path, first)
    verdicts = pd.Series(values, index=pd.Index(tender, name="tender_id"), name="collusive")
    conflicting = verdicts.to_numpy() != verdicts.groupby(level=0).transform("first").to_numpy()
    _first_bad(conflicting, raw, "tender_id", path, first, "two different verdicts for")
    verdicts = verdicts[~verdicts.index.duplicated()]
    counts = verdicts.value_counts()
    if len(counts) < 2:
        only = int(counts.index[0])
        raise ScreenInputError(f"{path}: column collusive: every verdict is {only}; both 0 and 1 are needed to learn")
    if counts.min() < MIN_VERDICTS_PER_CLASS:
        rare = int(str(counts.idxmin()))
        raise ScreenInputError(
            f"{path}: column collusive: only {int(counts.min())} tender(s) with verdict {rare}; "
            f"at least {MIN_VERDICTS_PER_CLASS} of each class are needed to cross-validate"
        )
    return verdicts
