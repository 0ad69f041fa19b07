"""R025, R028 and R036 on hand-built releases."""


def process(ocds, ocid, winner, bidders, **extra):
    bids = [ocds.bid([t]) for t in bidders]  # no amounts: R025 needs none
    return ocds.release(ocid, bids=bids, awards=[ocds.award([winner])], **extra)


def r025_releases(ocds):
    # X loses once to each of W1…W4 and wins once alone; each Wi also wins once alone.
    releases = [process(ocds, f"lose{i}", f"W{i}", [f"W{i}", "X"]) for i in range(1, 5)]
    releases += [process(ocds, f"alone{i}", f"W{i}", [f"W{i}"]) for i in range(1, 5)]
    releases.append(process(ocds, "xwins", "X", ["X"]))
    return releases


def test_r025_fences_by_hand(ocds):
    # den: Wi = 2, X = 5; num: Wi = 2, X = 1 → ratios [1, 1, 1, 1, 0.2]
    # top = Q([2,2,2,2,5], .75): h = (5 + 1/3)·.75 + 1/3 = 4.3333 → 2 + ⅓·3 = 3
    # Q1 of ratios: h = 1.6667 → .2 + ⅔·.8 = .7333; Q3: h = 4.3333 → 1; lower = .7333 − 1.5·.2667 = .3333
    # X: den 5 ≥ 3 and .2 ≤ .3333 → flagged 0.2; Wi: den 2 < 3
    out = ocds.run(r025_releases(ocds), "[R025]\n")
    assert out["Tenderer"] == {"X": {"R025": 0.2}}
    assert out["Meta"] == {"R025": {"q1": 0.7333, "q3": 1.0, "lower_fence": 0.3333, "upper_fence": 3.0}}
    assert "OCID" not in out


def test_r025_percentile_and_threshold(ocds):
    releases = r025_releases(ocds)
    # percentile 0 → top = min den = 2, so every tenderer passes; threshold 1 → all ratios ≤ 1
    out = ocds.run(releases, "[R025]\npercentile = 0\nthreshold = 1\n")
    assert out["Tenderer"] == {"X": {"R025": 0.2}, **{f"W{i}": {"R025": 1.0} for i in range(1, 5)}}
    assert out["Meta"] == {"R025": {"lower_fence": 1.0, "upper_fence": 2.0}}
    # a percentile above 100 gives a NaN top: nothing passes, null in Meta
    out = ocds.run(releases, "[R025]\npercentile = 101\nthreshold = 1\n")
    assert "Tenderer" not in out
    assert out["Meta"] == {"R025": {"lower_fence": 1.0, "upper_fence": None}}


def test_r025_counting_rules(ocds):
    b, a, r = ocds.bid, ocds.award, ocds.release
    releases = [
        # A's two valid bids count once; the joint bid and the disqualified bid are ignored
        r("p1", bids=[b(["A"]), b(["A"]), b(["B", "C"]), b(["D"], status="disqualified"), b(["E"])], awards=[a(["A"])]),
        # not a single award (pending) → not counted
        r("p2", bids=[b(["A"]), b(["E"])], awards=[a(["E"]), a(["A"], status="pending")]),
    ]
    # den: A = 1, E = 1; num: A = 1 → ratios A 1, E 0; threshold 0.5, percentile 0 (top = 1)
    out = ocds.run(releases, "[R025]\npercentile = 0\nthreshold = 0.5\n")
    assert out["Tenderer"] == {"E": {"R025": 0.0}}


def test_r028_identical_prices(ocds):
    b, r = ocds.bid, ocds.release
    releases = [
        # {A} then {A} at the same price: not flagged. 100 and 100.0 are the same key.
        r("same", bids=[b(["A"], 100), b(["A"], 100.0)]),
        # {A} then {A, B}: flagged, A and B
        r("superset", bids=[b(["A"], 100), b(["A", "B"], 100)]),
        # different currency, different status filters, string ids only
        r("currency", bids=[b(["C"], 100, currency="USD"), b(["D"], 100, currency="EUR")]),
        r("withdrawn", bids=[b(["E"], 50), b(["F"], 50, status="withdrawn"), b(["G"], 50, status="invited")]),
        # a disqualified bid is submitted: E2 and F2 flagged
        r("disq", bids=[b(["E2"], 60), b(["F2"], 60, status="disqualified"), b([], 60), b([7], 60)]),
        # no status → not submitted
        r("nostatus", bids=[b(["H"], 70), b(["I"], 70, status=None)]),
    ]
    # identical prices across releases are not compared
    releases.append(r("other", bids=[b(["Z"], 100)]))
    out = ocds.run(releases, "[R028]\n")
    assert out["OCID"] == {"superset": {"R028": 1.0}, "disq": {"R028": 1.0}}
    assert out["Tenderer"] == {t: {"R028": 1.0} for t in ("A", "B", "E2", "F2")}


def test_r028_price_comparison(ocds):
    b, r = ocds.bid, ocds.release
    releases = [r("lottery", bids=[b(["A"], 1), b(["B"], 1)], procurementMethodDetails="Lottery")]
    assert "OCID" not in ocds.run(releases, "no_price_comparison_procurement_methods = Lottery\n[R028]\n")
    assert ocds.run(releases, "[R028]\n")["OCID"] == {"lottery": {"R028": 1.0}}


def test_r036_lowest_bid_disqualified(ocds):
    b, a, r = ocds.bid, ocds.award, ocds.release
    releases = [
        r("flag", bids=[b(["A"], 100), b(["B"], 90, status="disqualified")], awards=[a(["A"])]),
        # tie at 90: the first scanned bid is the lowest
        r("tie-first", bids=[b(["B"], 90, status="disqualified"), b(["A"], 90)], awards=[a(["A"])]),
        r("tie-second", bids=[b(["A"], 90), b(["B"], 90, status="disqualified")], awards=[a(["A"])]),
        # no valid bid at all
        r("novalid", bids=[b(["B"], 90, status="disqualified"), b(["C"], 95, status="pending")], awards=[a(["C"])]),
        # no active award
        r("noactive", bids=[b(["A"], 100), b(["B"], 90, status="disqualified")], awards=[a(["A"], status="pending")]),
        # a pending award next to an active one does not exclude the release
        r(
            "pending",
            bids=[b(["A"], 100), b(["B"], 90, status="disqualified")],
            awards=[a(["A"]), a(["C"], status="pending")],
        ),
        # the disqualified 80 is in another currency: ignored, lowest is the valid 100
        r("currency", bids=[b(["A"], 100), b(["B"], 80, status="disqualified", currency="EUR")], awards=[a(["A"])]),
        # a withdrawn lower bid is not submitted
        r("withdrawn", bids=[b(["A"], 100), b(["B"], 80, status="withdrawn")], awards=[a(["A"])]),
    ]
    out = ocds.run(releases, "[R036]\n")
    assert out["OCID"] == {k: {"R036": 1.0} for k in ("flag", "tie-first", "pending")}
    assert out["Meta"] == {}


def test_r025_guard_fails_when_lower_fence_not_positive(ocds):
    releases = [
        process(ocds, "p1", "A", ["A", "B"]),
        process(ocds, "p2", "A", ["A", "B", "C"]),
        process(ocds, "p3", "A", ["A", "B", "C"]),
        process(ocds, "p4", "C", ["B", "C"]),
        process(ocds, "p5", "D", ["B", "D"]),
    ]
    # den A 3, B 5, C 3, D 1; ratios A 1, B 0, C 1/3, D 1
    # Q1 of [0, 1/3, 1, 1]: h = 1.4167 → 0 + .4167·(1/3) = .1389; Q3 = 1; lower = .1389 − 1.2917 < 0 → guard fails
    # top = Q([1,3,3,5], .75) = 3 + .5833·2 = 4.1667: B (den 5, ratio 0) would pass everything but the guard
    out = ocds.run(releases, "[R025]\n")
    assert "Tenderer" not in out
    meta = out["Meta"]["R025"]
    assert meta["q1"] == 0.1389 and meta["q3"] == 1.0 and meta["upper_fence"] == 4.1667
    assert meta["lower_fence"] < 0
    # with a fixed positive threshold only the threshold is checked: B is flagged
    assert ocds.run(releases, "[R025]\nthreshold = 0.1\n")["Tenderer"] == {"B": {"R025": 0.0}}


def test_r036_price_comparison(ocds):
    b, a, r = ocds.bid, ocds.award, ocds.release
    bids = [b(["A"], 100), b(["B"], 90, status="disqualified")]
    releases = [
        r("lottery", bids=bids, awards=[a(["A"])], procurementMethodDetails="Lottery"),
        r("plain", bids=bids, awards=[a(["A"])]),
    ]
    out = ocds.run(releases, "no_price_comparison_procurement_methods = Lottery\n[R036]\n")
    assert out["OCID"] == {"plain": {"R036": 1.0}}
    out = ocds.run(releases, "price_comparison_procurement_methods = Lottery\n[R036]\n")
    assert out["OCID"] == {"lottery": {"R036": 1.0}}


def test_info_currency_mismatches_logs_only(ocds, caplog):
    b, a, r = ocds.bid, ocds.award, ocds.release
    releases = [r("x", bids=[b(["A"], 100), b(["B"], 90, status="disqualified", currency="EUR")], awards=[a(["A"])])]
    with caplog.at_level("INFO", logger="yunshao.ocds.indicators"):
        quiet = ocds.run(releases, "[R036]\n")
        assert not any("currency" in m for m in caplog.messages)
        loud = ocds.run(releases, "[output]\ninfo_currency_mismatches = true\n[R036]\n")
    assert quiet == loud
    assert any("1 bids ignored: currency other than the main currency USD" in m for m in caplog.messages)
