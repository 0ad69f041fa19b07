"""One contract, two loaders: Spark validates the contract files with exactly DuckDB's results.

A simulated county (with the simulator's bad rows in `<table>.bad.csv`) gets more parts that break the
files in the ways the loaders must agree on: a GB18030 CSV with malformed lines, a value spanning two
lines and the text forms of numbers and times DuckDB reads; a typed Parquet file whose quarantined rows
are written as JSON from decimals, floats and zoned timestamps; and a Parquet part with duplicate keys.
Both loaders read the same folder; the quarantine, every validated table and the report must be equal.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.contract.conftest import small_tables, write_csv
from yunshao.contract import TABLES, ContractError, load_dataset
from yunshao.contract.report import LoadReport
from yunshao.engine import connect
from yunshao.simulate import simulate

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (make test installs it)"),
]

#: A GB18030 part of `companies`: Chinese text, a quoted value over two lines, text forms of numbers and
#: times, a duplicate of a Parquet row's id, two malformed lines and bad rows after them.
COMPANIES_GB = (
    ",".join(TABLES["companies"].column_names)
    + """
CO9001,云山县甲建设有限公司,,,2020/3/5 9:05,12345678.9,"云山县凤凰镇滨江路1号
二楼",,"a""b,c@x.cn",2024/03/01
CO0000,云山县重复公司,,,,1e5,,,,
CO9002,云山县乙公司,,,2021-13-01,,,,,
CO9003,云山县丙公司,,,,-20000000.5,,,,
CO9004,云山县丁公司,too,many,columns,1,2,3,4,5,6,7
CO9005,云山县戊公司,,,,1d,,,,
CO9006,short
CO9007,云山县己公司,,PER9999999,,,,,,
CO9008,云山县庚公司,,,2024-03,.5,,,,2024-3-1
CO9009,云山县辛公司,,,2024-03-01 24:00:00,+4,,,,2024-03-01 09:00:00+08
CO9010,云山县壬公司,,,2024-03-01T09:00:00+0830, 7 ,,"",  ,2024-03-01 25:00
CO9011,云山县癸公司,,,,-inf,,,,
CO9012,云山县子公司,,,2024-03-01T9:5:3,12.,,,,2024 03 01
CO9013,云山县丑公司,,,2024-02-30 10:00,1.5e17,,,,0024-03-01
"""
)

#: Years and amounts as text that DuckDB reads its own way: '2150.0' is a whole number, '2200.5' is 2201.
PERFORMANCE_TEXT = [
    ("2150.0", "1e5", "", "12.0"),
    ("2.151e3", ".5", "5.", "7"),
    (" 2152 ", "1d", "", ""),
    ("2200.4", "", "", ""),
    ("2200.5", "", "", ""),
    ("2153", "NaN", "", ""),
    ("2154", "", "", "-0.5"),
    ("2155", "", "", "2.5"),
    ("2156", "-3", "", ""),
]

#: Times as text: ISO 8601 with a slash, an offset without a colon, 24:00, seven decimals, and refused forms.
DECIDED_AT = [
    "2024/03/01 09:00",
    "2024-3-1",
    "2024-03-01T09:00:00+0830",
    "2024-03-01 24:00:00",
    "2024-03-01 09:00:00.1234567",
    "2024-03",
    "2024",
    "2024-02-30",
    "2024-03-01T9:5:3",
    "2024-03-01 09:00:00Z",
    "1988-06-01 12:00:00",
    "2024-03-01 09:00:00.",
]


def _add_parts(folder: Path) -> None:
    (folder / "companies.gb.csv").write_bytes(COMPANIES_GB.encode("gb18030"))
    agreement = pq.read_table(next(folder.glob("agreements*.parquet"))).column("agreement_id")[0].as_py()
    performance = pd.DataFrame(
        [(agreement, *row) for row in PERFORMANCE_TEXT],
        columns=["agreement_id", "year", "actual_investment", "actual_tax", "actual_jobs"],
    )
    # two CSV parts of one table, the second with a malformed line: each file numbers its own rows
    performance.iloc[:4].to_csv(folder / "performance.text1.csv", index=False)
    performance.iloc[4:].to_csv(folder / "performance.text2.csv", index=False)
    with (folder / "performance.text2.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"{agreement},2157,1,2,3,4\n{agreement},2158,,,-1\n")
    project = pq.read_table(next(folder.glob("projects*.parquet"))).column("project_id")[0].as_py()
    labels = pd.DataFrame(
        {
            "entity_type": "project",
            "entity_id": project,
            "outcome": ["confirmed"] * (len(DECIDED_AT) - 1) + ["maybe"],
            "scheme": [f"text_{i}" for i in range(len(DECIDED_AT))],
            "decided_at": DECIDED_AT,
        }
    )
    labels.to_csv(folder / "labels.text.csv", index=False)
    _retype_settlements(folder)
    _duplicate_contracts(folder)


def _retype_settlements(folder: Path) -> None:
    """Settlements as another source system writes them: decimal and float amounts, zoned timestamps, and
    bad rows (a duplicate, a dangling project, a negative amount) whose JSON shows those types."""
    paths = sorted(folder.glob("settlements*.parquet"))
    table = pa.concat_tables([pq.read_table(p) for p in paths])
    for path in paths:
        path.unlink()
    first = table.slice(0, 1).to_pylist()[0]
    bad = [
        {**first, "audited_amount": 0.1, "submitted_amount": 1200.5},  # a decimal with a trailing zero
        {**first, "project_id": "P9999999", "settled_at": pd.Timestamp("2024-03-01 09:00:00.120")},
        {**first, "project_id": table.column("project_id")[1].as_py(), "submitted_amount": -12345678.91},
    ]
    rows = table.to_pylist()
    rows = [rows[0], bad[0], *rows[2:], *bad[1:]]  # the second project's row gives way to a duplicate
    typed = pa.table(
        {
            "project_id": pa.array([r["project_id"] for r in rows], pa.string()),
            "submitted_amount": pa.array([_cents(r["submitted_amount"]) for r in rows], pa.decimal128(18, 2)),
            "audited_amount": pa.array([r["audited_amount"] for r in rows], pa.float32()),
            "settled_at": pc.assume_timezone(
                pa.array([r["settled_at"] for r in rows], pa.timestamp("us")), "Asia/Shanghai"
            ),
        }
    )
    pq.write_table(typed, folder / "settlements.00000.parquet")


def _cents(amount: float | None) -> Decimal | None:
    return None if amount is None else Decimal(f"{amount:.2f}")


def _duplicate_contracts(folder: Path) -> None:
    """A second Parquet part of `contracts` (a space in its name): ids the first part holds, odd doubles."""
    source = pq.read_table(sorted(folder.glob("contracts*.parquet"))[0])
    rows = source.slice(0, 4).to_pylist()
    rows[0]["amount"] = 0.1 + 0.2
    rows[1]["amount"] = -12345678.91
    rows[2]["amount"] = 1.2345e22
    rows[3]["project_id"] = "P9999999"
    rows[3]["contract_id"] = "CT9999999"
    rows[3]["signed_at"] = pd.Timestamp("2024-03-01 09:00:00.120").to_pydatetime()
    pq.write_table(pa.Table.from_pylist(rows, schema=source.schema), folder / "contracts.extra 1.parquet")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from yunshao.engine.spark import spark_session
    from yunshao.engine.spark_load import load_dataset_spark

    root = tmp_path_factory.mktemp("spark_load")
    simulate(root / "ds", 400, 5, bad_row_frac=0.01)
    _add_parts(root / "ds")
    con = connect()
    duck = load_dataset(root / "ds", con)
    spark = spark_session(app_name="yunshao-spark-load")
    report = load_dataset_spark(root / "ds", spark, workdir=root / "spark")
    yield {"con": con, "spark": spark, "duck": duck, "spark_report": report, "folder": root / "ds"}
    spark.stop()


def _quarantine_rows(rows: list[Any]) -> set[tuple[Any, ...]]:
    return {(r[0], r[1], r[2], r[3], int(r[4])) for r in rows}


def test_the_dataset_holds_what_the_loaders_must_agree_on(loaded: dict[str, Any]) -> None:
    duck: LoadReport = loaded["duck"]
    assert duck.tables["companies"].encodings["companies.gb.csv"] == "gb18030"
    assert duck.reasons[("companies", "line malformed")] == 2
    assert duck.reasons[("performance", "line malformed")] == 1
    files = {r[0] for r in loaded["con"].execute("SELECT DISTINCT file FROM quarantine").fetchall()}
    assert {"approvals.bad.csv", "companies.gb.csv", "companies.parquet", "settlements.00000.parquet"} <= files
    assert {"contracts.extra 1.parquet", "labels.text.csv", "performance.text1.csv", "performance.text2.csv"} <= files


def test_quarantine_is_the_same_row_for_row(loaded: dict[str, Any]) -> None:
    duck = _quarantine_rows(
        loaded["con"].execute('SELECT "table", "row", reason, file, file_row FROM quarantine').fetchall()
    )
    spark = _quarantine_rows(loaded["spark"].table("quarantine").collect())
    assert sorted(duck - spark) == []
    assert sorted(spark - duck) == []
    assert len(duck) > 100
    assert all(json.loads(row[1]) for row in duck)


def test_every_validated_table_is_the_same(loaded: dict[str, Any]) -> None:
    from yunshao.engine.spark import frames_equal

    problems = {}
    for name in loaded["duck"].tables:
        duck = loaded["con"].execute(f'SELECT * FROM "{name}"').df()
        spark = loaded["spark"].table(name).toPandas()
        diffs = frames_equal(duck, spark, list(TABLES[name].key))
        if diffs:
            problems[name] = diffs
    assert problems == {}


def test_the_load_reports_are_the_same(loaded: dict[str, Any]) -> None:
    duck: LoadReport = loaded["duck"]
    spark: LoadReport = loaded["spark_report"]
    assert spark.tables == duck.tables
    assert spark.reasons == duck.reasons
    assert (spark.dataset, spark.absent) == (duck.dataset, duck.absent)
    assert spark.rows_read == duck.rows_read and spark.rows_quarantined > 0


def _errors(folder: Path, spark: Any) -> tuple[str, str]:
    from yunshao.engine.spark_load import load_dataset_spark

    with pytest.raises(ContractError) as duck:
        load_dataset(folder, connect())
    with pytest.raises(ContractError) as on_spark:
        load_dataset_spark(folder, spark, workdir=folder.parent / "spark-work")
    return str(duck.value), str(on_spark.value)


def test_a_missing_folder_table_or_column_is_the_same_error(loaded: dict[str, Any], tmp_path: Path) -> None:
    spark = loaded["spark"]
    duck, on_spark = _errors(tmp_path / "nowhere", spark)
    assert on_spark == duck and "dataset folder not found" in duck
    folder = write_csv(tmp_path / "no_table", {k: v for k, v in small_tables().items() if k != "approvals"})
    duck, on_spark = _errors(folder, spark)
    assert on_spark == duck and "required table 'approvals' not found" in duck
    tables = small_tables()
    folder = write_csv(tmp_path / "no_column", tables)
    tables["approvals"].drop(columns=["occurred_at"]).to_csv(folder / "approvals.2.csv", index=False)
    duck, on_spark = _errors(folder, spark)
    assert on_spark == duck and "approvals.2.csv: required column occurred_at" in duck
    (folder / "approvals.2.csv").unlink()
    tables["approvals"].drop(columns=["node"]).to_parquet(folder / "approvals.3.parquet")
    duck, on_spark = _errors(folder, spark)
    assert on_spark == duck and "approvals.3.parquet: required column node" in duck


def test_a_session_in_another_time_zone_is_refused(loaded: dict[str, Any], tmp_path: Path) -> None:
    from yunshao.engine.spark_load import load_dataset_spark

    spark = loaded["spark"]
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    try:
        with pytest.raises(ValueError, match="time zone is UTC"):
            load_dataset_spark(write_csv(tmp_path / "ds", small_tables()), spark)
    finally:
        spark.conf.set("spark.sql.session.timeZone", "Asia/Shanghai")
