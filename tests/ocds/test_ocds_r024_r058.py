"""R024 and R058 on hand-built releases. Quartiles are worked out by hand (type 8) in comments and
cross-checked with numpy's median_unbiased."""

import numpy as np
import pytest

from yunshao.ocds.indicators import dumps


def sa(ocds, ocid, winner, runner, *, winner_id="W", runner_id=None, currency="USD", **tender):
    runner_id = runner_id or f"L-{ocid}"
    bids = [ocds.bid([winner_id], winner, currency=currency), ocds.bid([runner_id], runner, currency=currency)]
    return ocds.release(ocid, bids=bids, awards=[ocds.award([winner_id])], **tender)


RUNNERS = [100.1, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0]  # ratios (r − 100)/100


def test_r024_fence_from_data(ocds):
    releases = [sa(ocds, f"o{i}", 100.0, r) for i, r in enumerate(RUNNERS)]
    ratios = [(r - 100.0) / 100.0 for r in RUNNERS]
    # n=7: Q1 at h = (7 + 1/3)/4 + 1/3 = 2.1667 → x2 + 1/6·(x3 − x2) = 0.10 + 0.01/6 = 0.101667
    #      Q3 at h = 5.8333 → x5 + 5/6·(x6 − x5) = 0.13 + 0.01·5/6 = 0.138333
    #      lower = Q1 − 1.5·IQR = 0.101667 − 0.055 = 0.046667 → only 0.001 is at or below it
    q1, q3 = (float(np.quantile(ratios, p, method="median_unbiased")) for p in (0.25, 0.75))
    assert q1 == pytest.approx(0.101666666, abs=1e-8)
    assert q3 == pytest.approx(0.138333333, abs=1e-8)
    out = ocds.run(releases, "[R024]\n")
    assert out["OCID"] == {"o0": {"R024": ratios[0]}}
    assert out["Tenderer"] == {"W": {"R024": 0.0}, "L-o0": {"R024": 0.0}}
    assert out["Meta"] == {"R024": {"q1": 0.1017, "q3": 0.1383, "lower_fence": 0.0467}}


def test_r058_fence_from_data(ocds):
    runners = [*RUNNERS[1:], 150.0]  # ratios 0.10 … 0.15 and 0.50
    releases = [sa(ocds, f"o{i}", 100.0, r) for i, r in enumerate(runners)]
    # sorted [.10 .11 .12 .13 .14 .15 .50]: Q1 = x2 + (1/6)(x3 − x2) = .111667, Q3 = x5 + (5/6)(x6 − x5) = .148333
    # upper = .148333 + 1.5·.036667 = .203333 → only 0.50 is at or above it; the winner gets 0.0
    out = ocds.run(releases, "[R058]\n")
    assert out["OCID"] == {"o6": {"R058": 0.5}}
    assert out["Tenderer"] == {"W": {"R058": 0.0}}
    assert out["Meta"] == {"R058": {"q1": 0.1117, "q3": 0.1483, "upper_fence": 0.2033}}


def test_fixed_thresholds_and_guards(ocds):
    releases = [sa(ocds, f"o{i}", 100.0, r) for i, r in enumerate([100.0, 105.0, 120.0])]  # 0, .05, .2
    out = ocds.run(releases, "[R024]\nthreshold = 0.05\n[R058]\nthreshold = 0.2\n")
    assert out["OCID"] == {"o0": {"R024": 0.0}, "o1": {"R024": 0.05}, "o2": {"R058": 0.2}}
    assert out["Meta"] == {"R024": {"lower_fence": 0.05}, "R058": {"upper_fence": 0.2}}
    # threshold 0 fails the guard (> 0): nothing flagged
    out = ocds.run(releases, "[R024]\nthreshold = 0\n[R058]\nthreshold = 0\n")
    assert "OCID" not in out
    # computed fence with Q1 = 0 fails R024's guard: ratios 0,0,0,.05 → Q1 = 0
    zeros = [sa(ocds, f"z{i}", 100.0, r) for i, r in enumerate([100.0, 100.0, 100.0, 105.0])]
    out = ocds.run(zeros, "[R024]\n")
    assert "OCID" not in out
    assert out["Meta"]["R024"]["q1"] == 0.0


def test_candidate_bids_and_eligibility(ocds):
    b, a, r = ocds.bid, ocds.award, ocds.release
    releases = [
        # lowest bids: winner W 100 (the 90 multi-tenderer bid is ignored, a quirk), runner-up: first of
        # the two 104s (T1, strict <); disqualified 101 and string amount ignored → ratio .04
        r(
            "main",
            bids=[
                b(["W", "X"], 90.0),
                b(["W"], 100.0),
                b(["T1"], 104.0),
                b(["T2"], 104.0),
                b(["T3"], 101.0, status="disqualified"),
                b(["T4"], "50"),
                b(["W"], 103.0),
            ],
            awards=[a(["W"])],
        ),
        # runner-up below the winner → no ratio
        r("lower", bids=[b(["W"], 100.0), b(["T5"], 99.0)], awards=[a(["W"])]),
        # two active awards, a pending award, two suppliers: not a single award
        r("two", bids=[b(["W"], 100.0), b(["T6"], 100.5)], awards=[a(["W"]), a(["T6"])]),
        r("pending", bids=[b(["W"], 100.0), b(["T6"], 100.5)], awards=[a(["W"]), a(["T6"], status="pending")]),
        r("pair", bids=[b(["W"], 100.0), b(["T6"], 100.5)], awards=[a(["W", "T6"])]),
        # cancelled award beside the active one is fine
        r("cancelled", bids=[b(["W"], 100.0), b(["T7"], 102.0)], awards=[a(["W"]), a(["T7"], status="cancelled")]),
    ]
    out = ocds.run(releases, "[R024]\nthreshold = 1\n")
    assert out["OCID"] == {"main": {"R024": 0.04}, "cancelled": {"R024": 0.02}}
    assert out["Tenderer"] == {"W": {"R024": 0.0}, "T1": {"R024": 0.0}, "T7": {"R024": 0.0}}


def test_main_currency(ocds):
    releases = [
        sa(ocds, "eur", 100.0, 110.0, currency="EUR"),
        sa(ocds, "usd", 100.0, 120.0, currency="USD"),
    ]
    # unset: the first currency examined (EUR) is the main one; USD bids are ignored
    out = ocds.run(releases, "[R024]\nthreshold = 1\n")
    assert out["OCID"] == {"eur": {"R024": 0.1}}
    out = ocds.run(releases, "currency = USD\n[R024]\nthreshold = 1\n")
    assert out["OCID"] == {"usd": {"R024": 0.2}}


def test_price_comparison_filter(ocds):
    releases = [
        sa(ocds, "plain", 100.0, 110.0),
        sa(ocds, "lottery", 100.0, 110.0, procurementMethodDetails="Lottery"),
        sa(ocds, "auction", 100.0, 110.0, procurementMethodDetails="Auction"),
    ]
    flagged = lambda ini: set(ocds.run(releases, ini + "[R024]\nthreshold = 1\n").get("OCID", {}))  # noqa: E731
    assert flagged("") == {"plain", "lottery", "auction"}
    assert flagged("no_price_comparison_procurement_methods = Lottery\n") == {"plain", "auction"}
    # inc non-empty: details must be listed, and absent details fail
    assert flagged("price_comparison_procurement_methods = Auction\n") == {"auction"}
    assert flagged(
        "price_comparison_procurement_methods = Auction\nno_price_comparison_procurement_methods = Auction\n"
    ) == {"auction"}


def test_zero_winner_amount_gives_non_finite_ratio(ocds):
    out = ocds.run([sa(ocds, "zero", 0.0, 10.0), sa(ocds, "one", 100.0, 110.0)], "[R058]\nthreshold = 0.5\n")
    assert out["OCID"] == {"zero": {"R058": float("inf")}}
    assert '"zero":{"R058":null}' in dumps(out)
