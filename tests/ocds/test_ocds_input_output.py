import gzip
import json
import logging

from yunshao.ocds.indicators import compute_indicators_file, dumps, parse_settings

R018 = "[R018]\n"


def single(ocid, method="open"):
    return {"ocid": ocid, "tender": {"procurementMethod": method, "numberOfTenderers": 1}}


def test_no_settings_gives_empty_meta(ocds):
    assert ocds.run([single("a")]) == {"Meta": {}}
    assert ocds.run([single("a")], meta=False) == {}


def test_bad_lines_are_skipped_with_line_numbers(ocds, caplog):
    text = [
        json.dumps(single("a")) + "\n",
        "\n",
        "   \n",
        "{not json\n",
        "[1, 2]\n",
        '{"ocid": "nan", "tender": {"numberOfTenderers": NaN}}\n',
        json.dumps(single("b")) + "\n",
    ]
    with caplog.at_level(logging.WARNING):
        out = ocds.run(text, R018)
    assert out["OCID"] == {"a": {"R018": 1.0}, "b": {"R018": 1.0}}
    messages = [r.getMessage() for r in caplog.records]
    assert any(":4: invalid JSON" in m for m in messages)
    assert any(":6: invalid JSON" in m for m in messages)  # NaN is not JSON
    assert any(":5: not a JSON object" in m for m in messages)
    assert not any(":2:" in m or ":3:" in m for m in messages)  # blank lines are silent


def test_global_skips(ocds):
    releases = [
        {"ocid": 5, "tender": {"procurementMethod": "open", "numberOfTenderers": 1}},
        {"tender": {"procurementMethod": "open", "numberOfTenderers": 1}},
        {"ocid": "cancelled", "tender": {"status": "cancelled", "procurementMethod": "open", "numberOfTenderers": 1}},
        {
            "ocid": "test",
            "tender": {"procurementMethodDetails": "Test", "procurementMethod": "open", "numberOfTenderers": 1},
        },
        {
            "ocid": "kept",
            "tender": {"procurementMethodDetails": "Real", "procurementMethod": "open", "numberOfTenderers": 1},
        },
        single("no-details"),
    ]
    out = ocds.run(releases, "[exclusions]\nprocurement_method_details = Test|Other\n" + R018)
    assert out["OCID"] == {"kept": {"R018": 1.0}, "no-details": {"R018": 1.0}}


def test_group_appears_only_with_results(ocds):
    out = ocds.run([single("a", method="limited")], R018 + "[R024]\n")
    assert out == {"Meta": {"R024": {"q1": None, "q3": None, "lower_fence": None}}}


def test_dumps_floats_and_nulls():
    text = dumps({"OCID": {"x": {"R024": 0.16666666666666666, "R058": float("inf")}}, "Meta": {"R025": {"q1": None}}})
    assert text == '{"OCID":{"x":{"R024":0.16666666666666666,"R058":null}},"Meta":{"R025":{"q1":null}}}'
    assert dumps({"OCID": {"x": {"R003": 1.0}}}) == '{"OCID":{"x":{"R003":1.0}}}'


def test_reads_gzip_and_plain_files(tmp_path):
    content = (json.dumps(single("a")) + "\n" + json.dumps(single("b", "limited")) + "\n").encode()
    plain = tmp_path / "r.jsonl"
    plain.write_bytes(content)
    packed = tmp_path / "r.jsonl.gz"
    packed.write_bytes(gzip.compress(content))
    settings = parse_settings(R018)
    expected = {"OCID": {"a": {"R018": 1.0}}, "Meta": {}}
    assert compute_indicators_file(plain, settings) == expected
    assert compute_indicators_file(packed, settings) == expected
