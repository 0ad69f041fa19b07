"""Reading what publishers ship: formats, the merge rule, bounded passes, offline merging, bad documents."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import ocdsmerge
import pytest

from tests.ocds.test_ocds_import import GOODS, WORKS
from yunshao.ocds import merge
from yunshao.ocds.compiled import OcdsInputError, ReadLog, file_lines, read_compiled, sequence_lines
from yunshao.ocds.importer import import_releases
from yunshao.ocds.merge import Compiled
from yunshao.ocds.schema import release_schema

WILD = Path(__file__).parent / "fixtures" / "wild"


def _read(path: Path) -> tuple[dict[str, Compiled], ReadLog]:
    log = ReadLog(str(path))
    return {c.ocid: c for c in read_compiled(file_lines(path), log)}, log


def _cn_releases() -> list[dict]:
    return json.loads((WILD / "release_package_cn.json").read_text(encoding="utf-8"))["releases"]


def test_merge_is_ocdsmerge_with_the_shipped_schema() -> None:
    """The compiled release is exactly what the OCP's reference implementation makes of the releases."""
    releases = [r for r in _cn_releases() if r["ocid"] == "ocds-cn0001-2024-001"]
    compiled, _ = _read(WILD / "release_package_cn.json")
    reference = ocdsmerge.Merger(schema=copy.deepcopy(release_schema())).create_compiled_release(releases)
    assert compiled["ocds-cn0001-2024-001"].data == reference
    assert compiled["ocds-cn0001-2024-001"].releases == 5
    assert release_schema()["id"] == "https://standard.open-contracting.org/schema/1__1__4/release-schema.json"


def test_merging_never_downloads_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was asked for")

    monkeypatch.setattr("requests.get", offline)
    monkeypatch.setattr("jsonref.load_uri", offline)
    merge._merger.cache_clear()
    try:
        compiled, _ = _read(WILD / "release_package_cn.json")
    finally:
        merge._merger.cache_clear()
    assert compiled["ocds-cn0001-2024-001"].data["tender"]["value"] == {"amount": 900000, "currency": "CNY"}


def test_compiled_releases_one_per_line_pass_through_unchanged() -> None:
    """Cardinal's input: each line's object is handed on as it is, in file order."""
    text = [json.dumps(r) + "\n" for r in (GOODS, WORKS, {"ocid": "o3", "tender": {"numberOfTenderers": 1}})]
    log = ReadLog("<lines>")
    out = list(read_compiled(sequence_lines(text), log))
    assert [c.data for c in out] == [GOODS, WORKS, {"ocid": "o3", "tender": {"numberOfTenderers": 1}}]
    assert [c.where for c in out] == ["line 1", "line 2", "line 3"]
    assert (log.releases, log.given, log.merged) == (2, 1, 0)  # untagged objects count as releases


def test_releases_of_one_ocid_far_apart_in_json_lines_are_merged() -> None:
    compiled, _ = _read(WILD / "multi_publisher.jsonl")
    paraguay = compiled["ocds-py0001-P"]
    assert (paraguay.where, paraguay.releases, paraguay.line) == ("lines 14, 21", 2, 14)
    assert paraguay.data["awards"][0]["suppliers"] == [{"id": "PY-80012345"}]
    assert paraguay.data["tender"]["title"] == "Adquisición de insumos hospitalarios"


def test_record_with_and_without_compiled_release() -> None:
    compiled, log = _read(WILD / "record_package_mx.json")
    assert compiled["ocds-mx0001-G"].where == "records[0].compiledRelease"
    assert compiled["ocds-mx0001-G"].data["tag"] == ["compiled"]
    merged = compiled["ocds-mx0001-H"]  # the second release leaves its ocid to the record
    assert (merged.where, merged.releases) == ("records[1].releases[0], records[1].releases[1]", 2)
    assert merged.data["tender"]["status"] == "complete"
    assert merged.data["tender"]["procurementMethodDetails"] == "Adjudicación Directa"
    assert [p.reason for p in log.problems] == [
        "records[2].compiledRelease: missing, and the record's releases are absent or only links (url): "
        "nothing to compile"
    ]
    assert log.ocids == {"ocds-mx0001-G", "ocds-mx0001-H", "ocds-mx0001-I"}


def test_gzip_is_detected_by_magic_bytes_not_by_name(tmp_path: Path) -> None:
    path = tmp_path / "releases.json"  # a gzip whose name says nothing
    path.write_bytes(gzip.compress((WILD / "release_package_cn.json").read_bytes()))
    compiled, log = _read(path)
    assert sorted(compiled) == ["ocds-cn0001-2024-001", "ocds-cn0001-2024-002", "ocds-cn0001-2024-003"]
    assert log.format == "a JSON document"


def test_byte_order_mark_and_a_broken_first_line(tmp_path: Path) -> None:
    bom = tmp_path / "bom.jsonl"
    bom.write_text("\ufeff" + json.dumps(WORKS) + "\n", encoding="utf-8")
    assert list(_read(bom)[0]) == ["ocds-abc-002"]
    broken = tmp_path / "broken-first.jsonl"
    broken.write_text('{"ocid": "cut\n' + json.dumps(WORKS) + "\n", encoding="utf-8")
    compiled, log = _read(broken)
    assert list(compiled) == ["ocds-abc-002"]
    assert [p.reason for p in log.problems] == ["line 1: invalid JSON: Unterminated string starting at (column 10)"]


def test_a_broken_document_is_one_error_naming_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{\n  "releases": [\n    {"ocid": "a",}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(OcdsInputError, match=r"package\.json:3:18: invalid JSON: Expecting property name"):
        import_releases(path, tmp_path / "ds")


def test_releases_that_cannot_be_merged_keep_the_latest(tmp_path: Path) -> None:
    path = tmp_path / "clash.jsonl"
    rows = [
        {"ocid": "x", "date": "2024-01-01", "buyer": {"id": "B"}, "tender": "a string"},
        {"ocid": "x", "date": "2024-02-01", "buyer": {"id": "B"}, "tender": {"id": "T", "procurementMethod": "open"}},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    compiled, _ = _read(path)
    assert compiled["x"].data == rows[1]
    assert compiled["x"].notes == (
        "ocid: releases cannot be merged (An earlier release had the value 'a string' for /tender, but the "
        "current release has an object with a 'id' key); the latest release (line 2) is used",
    )


def test_undated_releases_merge_first_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "undated.jsonl"
    rows = [
        {"ocid": "x", "date": "2024-02-01", "buyer": {"id": "B"}, "tender": {"id": "T", "title": "dated"}},
        {"ocid": "x", "buyer": {"id": "B"}, "tender": {"id": "T", "title": "undated"}},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    compiled, _ = _read(path)
    assert compiled["x"].data["tender"]["title"] == "dated"
    assert compiled["x"].notes == (
        "date: missing or not a string in 1 release(s) (line 2); merged first, in file order",
    )


def test_a_compiled_release_wins_over_releases_of_its_ocid(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    release = {"ocid": "ocds-abc-001", "date": "2025-01-01", "tender": {"id": "T-1", "title": "later release"}}
    path.write_text(json.dumps(GOODS) + "\n" + json.dumps(release) + "\n", encoding="utf-8")
    compiled, log = _read(path)
    assert compiled["ocds-abc-001"].data == GOODS
    assert compiled["ocds-abc-001"].notes == ("ocid: 1 release(s) not merged: the compiled release at line 1 is used",)
    assert log.duplicates == []
