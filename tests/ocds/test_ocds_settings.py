import pytest

from yunshao.ocds.indicators import SettingsError, load_settings, parse_settings
from yunshao.ocds.indicators.settings import (
    FenceSettings,
    NoSettings,
    R003Settings,
    R018Settings,
    R038Settings,
    R048Settings,
    split_list,
)

SPEC_EXAMPLE = """currency = USD
no_price_comparison_procurement_methods = Lottery|Fixed Price

[exclusions]
procurement_method_details = Test Procedure

[R003]
threshold = 10
procurement_methods = open|selective
[R003.procurement_method_details]
Compra Menor = 5

[R024]
[R038]
minimum_submitted_bids = 3
[R048]
digits = 4
[R058]
threshold = 0.5
"""


def test_spec_example():
    s = parse_settings(SPEC_EXAMPLE)
    assert s.currency == "USD"
    assert s.no_price_comparison_procurement_methods == ("Lottery", "Fixed Price")
    assert s.price_comparison_procurement_methods == ()
    assert s.excluded_procurement_method_details == ("Test Procedure",)
    assert s.indicators == {
        "R003": R003Settings(
            threshold=10, procurement_methods=("open", "selective"), details_thresholds={"Compra Menor": 5}
        ),
        "R024": FenceSettings(threshold=None),
        "R038": R038Settings(minimum_submitted_bids=3),
        "R048": R048Settings(digits=4),
        "R058": FenceSettings(threshold=0.5),
    }


def test_empty_sections_enable_with_defaults():
    s = parse_settings("[R018]\n[R028]\n[R035]\nthreshold = -4\n")
    assert s.indicators["R018"] == R018Settings(procurement_methods=("open", "selective"))
    assert s.indicators["R028"] == NoSettings()
    assert s.indicators["R035"].threshold == 1  # values below 1 become 1


def test_lists():
    assert split_list("a|b|") == ("a", "b")
    assert split_list("") == ()
    assert split_list(" a | b") == (" a ", " b")  # no trimming
    assert split_list("a||b") == ("a", "", "b")
    assert parse_settings("[R018]\nprocurement_methods =\n").indicators["R018"] == R018Settings(())


def test_values_quotes_escapes_and_comments():
    s = parse_settings(
        '; comment\n# comment\n  # indented comment\ncurrency = "EUR"\n[R003.procurement_method_details]\nA\\=B = 3\n'
    )
    assert s.currency == "EUR"
    assert s.indicators["R003"].details_thresholds == {"A=B": 3}
    s2 = parse_settings("currency = 'a\\tb'\n")
    assert s2.currency == "a\tb"


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[R999]\n", "unknown section [R999]"),
        ("[r003]\n", "unknown section [r003]"),  # case-sensitive
        ("[R003]\nThreshold = 3\n", "unknown setting 'Threshold'"),
        ("colour = red\n", "unknown setting 'colour'"),
        ("[R003]\nthreshold = 15.0\n", "expected an integer"),
        ("[R003]\nthreshold = 15 # default\n", "expected an integer"),
        ("[R024]\nthreshold = low\n", "expected a number"),
        ("[R003]\nthreshold\n", "expected 'key = value'"),
        ("[R048]\ndigits = -1\n", "non-negative"),
        ("[R003.procurement_method_details]\nX = 1.5\n", "expected an integer"),
    ],
)
def test_configuration_errors_name_the_line(text, fragment):
    with pytest.raises(SettingsError) as err:
        parse_settings(text, source="cardinal.ini")
    assert fragment in str(err.value)
    assert "cardinal.ini:" in str(err.value)


def test_prepare_only_sections_are_ignored():
    s = parse_settings(
        "[defaults]\ncurrency = USD\n[codelists.bid_status]\nQualified = valid\n[redactions]\namount = 0\n"
        "[corrections]\naward_status_by_contract_status = true\n[modifications]\nmove_auctions = true\n"
    )
    assert s.indicators == {}
    assert s.currency is None


def test_load_settings_from_file(tmp_path):
    path = tmp_path / "s.ini"
    path.write_text("[R036]\n", encoding="utf-8")
    assert load_settings(path).indicators == {"R036": NoSettings()}
    assert load_settings(None).indicators == {}
