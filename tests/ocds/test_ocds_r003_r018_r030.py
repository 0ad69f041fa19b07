"""R003, R018 and R030 on hand-built releases; the expected flags are worked out in the comments."""

import pytest


def period(ocid, start, end, **tender):
    return {"ocid": ocid, "tender": {"tenderPeriod": {"startDate": start, "endDate": end}, **tender}}


def r003_flags(ocds, releases, ini="[R003]\n"):
    return {k: v["R003"] for k, v in ocds.run(releases, ini).get("OCID", {}).items()}


def test_r003_default_threshold_and_truncation(ocds):
    releases = [
        # 14 days 23 h → 14 whole days < 15 → flagged
        period("short", "2024-01-01T00:00:00Z", "2024-01-15T23:00:00Z"),
        # exactly 15 days → not flagged
        period("exact", "2024-01-01T00:00:00Z", "2024-01-16T00:00:00Z"),
        # +08:00 start is 8 h earlier in UTC: 15 days 7 h → 15 → not flagged
        period("offset", "2024-01-01T00:00:00+08:00", "2024-01-15T23:00:00Z"),
        # end before start: negative period → flagged
        period("negative", "2024-02-01T00:00:00Z", "2024-01-01T00:00:00Z"),
        # lowercase t/z and a space separator are RFC 3339 too: 10 days → flagged
        period("lower", "2024-01-01t00:00:00z", "2024-01-11 00:00:00-00:00"),
        # fractional seconds: 14 days 23:59:59.5 → 14 → flagged
        period("frac", "2024-01-01T00:00:00.5Z", "2024-01-16T00:00:00Z"),
    ]
    assert r003_flags(ocds, releases) == {"short": 1.0, "negative": 1.0, "lower": 1.0, "frac": 1.0}


def test_r003_days_truncate_toward_zero(ocds):
    # −1.5 days truncates to −1 (flooring would give −2). With threshold −1: −1 < −1 is false.
    releases = [period("neg", "2024-01-02T12:00:00Z", "2024-01-01T00:00:00Z")]
    assert r003_flags(ocds, releases, "[R003]\nthreshold = -1\n") == {}
    assert r003_flags(ocds, releases, "[R003]\nthreshold = 0\n") == {"neg": 1.0}


@pytest.mark.parametrize(
    "start, end",
    [
        ("2024-01-01", "2024-01-02"),  # date only
        ("2024-01-01T00:00:00", "2024-01-02T00:00:00"),  # no offset
        ("2024-01-01T00:00Z", "2024-01-02T00:00Z"),  # no seconds
        ("2024-02-30T00:00:00Z", "2024-03-02T00:00:00Z"),  # no such day
        ("2024-01-01T24:00:00Z", "2024-01-02T00:00:00Z"),  # hour 24
        (20240101, "2024-01-02T00:00:00Z"),  # not a string
        ("2024-01-01T00:00:00Z", None),
    ],
)
def test_r003_skips_non_rfc3339(ocds, start, end):
    assert r003_flags(ocds, [period("x", start, end)]) == {}


def test_r003_methods_and_details_thresholds(ocds):
    ini = (
        "[R003]\nthreshold = 10\nprocurement_methods = open|selective\n"
        "[R003.procurement_method_details]\nCompra Menor = 5\n"
    )
    six_days = ("2024-01-01T00:00:00Z", "2024-01-07T00:00:00Z")
    releases = [
        period("open", *six_days, procurementMethod="open"),  # 6 < 10 → flagged
        period("limited", *six_days, procurementMethod="limited"),  # method not listed → skipped
        period("nomethod", *six_days),  # method list set, no method → skipped
        period("menor", *six_days, procurementMethod="open", procurementMethodDetails="Compra Menor"),  # 6 ≥ 5
        period("other", *six_days, procurementMethod="open", procurementMethodDetails="Other"),  # 6 < 10
    ]
    assert r003_flags(ocds, releases, ini) == {"open": 1.0, "other": 1.0}
    # the details section alone enables R003 with the default threshold and no method filter
    only_details = "[R003.procurement_method_details]\nCompra Menor = 5\n"
    assert r003_flags(ocds, releases, only_details) == {"open": 1.0, "limited": 1.0, "nomethod": 1.0, "other": 1.0}


def test_r003_empty_method_list_means_no_filter(ocds):
    releases = [period("x", "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")]
    assert r003_flags(ocds, releases, "[R003]\nprocurement_methods =\n") == {"x": 1.0}
    assert r003_flags(ocds, [{"ocid": "no-tender"}]) == {}


def r018(ocds, releases, ini="[R018]\n"):
    return {k: v["R018"] for k, v in ocds.run(releases, ini).get("OCID", {}).items()}


def test_r018(ocds):
    def rel(ocid, count, method="open"):
        tender = {"numberOfTenderers": count}
        if method is not None:
            tender["procurementMethod"] = method
        return {"ocid": ocid, "tender": tender}

    releases = [
        rel("open1", 1),
        rel("selective1", 1, "selective"),
        rel("float", 1.0),  # not the JSON integer 1
        rel("string", "1"),
        rel("bool", True),
        rel("two", 2),
        rel("limited", 1, "limited"),
        rel("nomethod", 1, None),
    ]
    assert r018(ocds, releases) == {"open1": 1.0, "selective1": 1.0}
    assert r018(ocds, releases, "[R018]\nprocurement_methods = limited\n") == {"limited": 1.0}
    # an empty list is no filter, unlike the unset default open|selective
    assert r018(ocds, releases, "[R018]\nprocurement_methods =\n") == {
        "open1": 1.0,
        "selective1": 1.0,
        "limited": 1.0,
        "nomethod": 1.0,
    }


def test_r030_late_winning_bid(ocds):
    end = "2024-01-10T00:00:00Z"
    b, a = ocds.bid, ocds.award

    def rel(ocid, bids, awards, end_date=end):
        return {
            "ocid": ocid,
            "tender": {"tenderPeriod": {"endDate": end_date}},
            "bids": {"details": bids},
            "awards": awards,
        }

    releases = [
        # the winner's valid bid is 1 s late → flagged; the loser B's late bid does not count
        rel("late", [b(["A"], date="2024-01-10T00:00:01Z"), b(["B"], date="2024-01-11T00:00:00Z")], [a(["A"])]),
        # equal string → not late
        rel("equal", [b(["C"], date=end)], [a(["C"])]),
        # same instant, but "…T08:00:00+08:00" > "…T00:00:00Z" as strings (quirk) → flagged
        rel("string", [b(["D"], date="2024-01-10T08:00:00+08:00")], [a(["D"])]),
        # a disqualified late bid does not count
        rel("disq", [b(["E"], status="disqualified", date="2024-02-01T00:00:00Z")], [a(["E"])]),
        # FA is not applied: a pending award does not exclude the release
        rel("pending", [b(["F"], date="2024-02-01T00:00:00Z")], [a(["F"]), a(["X"], status="pending")]),
        # the late bidder's award is not active
        rel("inactive", [b(["G"], date="2024-02-01T00:00:00Z")], [a(["G"], status="cancelled")]),
        # no endDate string → skipped
        rel("noend", [b(["H"], date="2024-02-01T00:00:00Z")], [a(["H"])], end_date=None),
    ]
    releases.append(
        {"ocid": "noawards", "tender": {"tenderPeriod": {"endDate": end}}, "bids": {"details": [b(["I"], date="2025")]}}
    )
    out = ocds.run(releases, "[R030]\n")
    assert out["OCID"] == {"late": {"R030": 1.0}, "string": {"R030": 1.0}, "pending": {"R030": 1.0}}
    assert out["Tenderer"] == {"A": {"R030": 1.0}, "D": {"R030": 1.0}, "F": {"R030": 1.0}}
    assert out["Meta"] == {}
