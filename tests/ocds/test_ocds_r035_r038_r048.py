"""R035, R038 and R048 on hand-built releases."""


def test_r035(ocds):
    b, a, r = ocds.bid, ocds.award, ocds.release
    disq = "disqualified"
    releases = [
        # V = {A} = awarded, D \ V = {B, C} → 2.0; A also had a disqualified bid, which D \ V drops
        r(
            "two",
            bids=[b(["A"]), b(["B"], status=disq), b(["C"], status=disq), b(["A"], status=disq)],
            awards=[a(["A"])],
        ),
        r("one", bids=[b(["D"]), b(["E"], status=disq)], awards=[a(["D"])]),
        # two valid tenderers
        r("twovalid", bids=[b(["F"]), b(["G"]), b(["H"], status=disq)], awards=[a(["F"])]),
        # the valid tenderer is not the awarded one
        r("other", bids=[b(["I"]), b(["J"], status=disq)], awards=[a(["J"])]),
        # a pending award fails FA
        r("pending", bids=[b(["K"]), b(["L"], status=disq)], awards=[a(["K"]), a(["L"], status="pending")]),
        # no disqualified bid: c = 0 < 1
        r("none", bids=[b(["M"])], awards=[a(["M"])]),
    ]
    out = ocds.run(releases, "[R035]\n")
    assert out["OCID"] == {"two": {"R035": 2.0}, "one": {"R035": 1.0}}
    assert out["Tenderer"] == {"A": {"R035": 0.0}, "D": {"R035": 0.0}}
    out = ocds.run(releases, "[R035]\nthreshold = 2\n")
    assert out["OCID"] == {"two": {"R035": 2.0}}
    # threshold 0 is raised to 1: "none" stays unflagged
    assert set(ocds.run(releases, "[R035]\nthreshold = 0\n")["OCID"]) == {"two", "one"}


def r038_releases(ocds):
    b, r = ocds.bid, ocds.release
    disq = "disqualified"
    bids = [b(["A"]), b(["B"]), b(["C"]), b(["E"]), b(["D"], status=disq)]
    return [
        r("r1", bids=bids, procuringEntity=None) | {"buyer": {"id": "BUY"}},
        r("r2", bids=bids) | {"buyer": {"id": "BUY"}},
        # no submitted bid (invited only): ignored
        r("r3", bids=[b(["A"], status="invited")]) | {"buyer": {"id": "EMPTY"}},
    ]


def test_r038_fences_by_hand(ocds):
    # Tenderer: A, B, C, E 0/2, D 2/2 → [0,0,0,0,1]: Q1 = 0, Q3 = x4 + ⅓(x5 − x4) = ⅓, upper = ⅓ + .5 = .8333
    # Buyer BUY: 2 disqualified of 10 submitted = .2; single value → Q1 = Q3 = upper = .2, and .2 ≥ .2
    # No procuring entity id → that group is skipped, with no Meta keys
    out = ocds.run(r038_releases(ocds), "[R038]\n")
    assert out["Tenderer"] == {"D": {"R038": 1.0}}
    assert out["Buyer"] == {"BUY": {"R038": 0.2}}
    assert "ProcuringEntity" not in out
    assert out["Meta"] == {
        "R038": {
            "Buyer_q1": 0.2,
            "Buyer_q3": 0.2,
            "Buyer_upper_fence": 0.2,
            "Tenderer_q1": 0.0,
            "Tenderer_q3": 0.3333,
            "Tenderer_upper_fence": 0.8333,
        }
    }


def test_r038_minimums_and_threshold(ocds):
    b, r = ocds.bid, ocds.release
    disq = "disqualified"
    releases = [
        r("p1", bids=[b(["T1"]), b(["T2"], status=disq), b(["T3"], status=disq)], procuringEntity={"id": "P1"}),
        r("p2", bids=[b(["T1"]), b(["T2"])], procuringEntity={"id": "P1"}),
        r("p3", bids=[b(["T1"]), b(["T3"]), b(["T4"]), b(["T5"])], procuringEntity={"id": "P2"}),
        r("p4", bids=[b(["T5"], status=disq)], procuringEntity={"id": "P2"}),
    ]
    # ProcuringEntity: P1 2/5 = .4, P2 1/5 = .2. Tenderer: T1 0/3, T2 1/2, T3 1/2, T5 1/2; T4 1 bid < 2
    out = ocds.run(releases, "[R038]\nthreshold = 0.4\n")
    assert out["ProcuringEntity"] == {"P1": {"R038": 0.4}}
    assert out["Tenderer"] == {t: {"R038": 0.5} for t in ("T2", "T3", "T5")}
    assert out["Meta"] == {"R038": {"ProcuringEntity_upper_fence": 0.4, "Tenderer_upper_fence": 0.4}}
    # minimum_contracting_processes counts submitted bids (quirk): P1 and P2 have 5 each, kept at 5
    out = ocds.run(releases, "[R038]\nthreshold = 0.4\nminimum_contracting_processes = 5\nminimum_submitted_bids = 3\n")
    assert out["ProcuringEntity"] == {"P1": {"R038": 0.4}}
    assert "Tenderer" not in out  # only T1 (3 bids, ratio 0) is kept
    assert out["Meta"] == {"R038": {"ProcuringEntity_upper_fence": 0.4, "Tenderer_upper_fence": 0.4}}
    out = ocds.run(releases, "[R038]\nthreshold = 0.4\nminimum_contracting_processes = 6\nminimum_submitted_bids = 4\n")
    assert "ProcuringEntity" not in out and "Tenderer" not in out
    assert out["Meta"] == {"R038": {}}
    # threshold 0 fails upper > 0
    assert "Tenderer" not in ocds.run(releases, "[R038]\nthreshold = 0\n")


def test_r048(ocds):
    a, r = ocds.award, ocds.release
    releases = [
        r("a", awards=[a(["S1"], items=["45233000", "45111000"])]),
        r("b", awards=[a(["S1"], items=["30200000", "45"])]),
        r("c", awards=[a(["S1", "S2"], items=["99000000"])]),  # two suppliers: ignored
        r("d", awards=[a(["S2"], items=["4"])]),
        r("e", awards=[{"status": "active", "suppliers": [{"id": "S2"}], "items": [{"classification": {"id": 12}}]}]),
        # two awards to S3 in one release count once
        r("f", awards=[a(["S3"], items=["11"]), a(["S3"], items=["22"])]),
        # no items array, or not active: ignored
        r("g", awards=[a(["S4"])]),
        r("h", awards=[a(["S4"], status="pending", items=["77"])]),
    ]
    # minimum 2: S1 {45, 30} → 2 (2 processes), S2 {4} → 1 (2 processes); S3 has 1 process
    # Q1 of [1, 2]: h = .9167 → k = 0 → 1; Q3: h = 2.083 → k ≥ n → 2; upper = 2 + 1.5 = 3.5
    out = ocds.run(releases, "[R048]\nminimum_contracting_processes = 2\n")
    assert "Tenderer" not in out
    assert out["Meta"] == {"R048": {"q1": 1.0, "q3": 2.0, "upper_fence": 3.5}}
    out = ocds.run(releases, "[R048]\nminimum_contracting_processes = 2\nthreshold = 2\n")
    assert out["Tenderer"] == {"S1": {"R048": 2.0}}
    assert out["Meta"] == {"R048": {"upper_fence": 2.0}}
    # 4 digits: S1 {4523, 4511, 3020, 45} → 4; minimum 1 keeps S3 {11, 22} → 2
    out = ocds.run(releases, "[R048]\nminimum_contracting_processes = 1\ndigits = 4\nthreshold = 2\n")
    assert out["Tenderer"] == {"S1": {"R048": 4.0}, "S3": {"R048": 2.0}}


def test_r048_no_guard_and_default_minimum(ocds):
    a, r = ocds.award, ocds.release
    releases = [r(f"x{i}", awards=[a([f"S{i % 2}"], items=["45000000"])]) for i in range(4)]
    # every kept supplier has v = 1 → Q1 = Q3 = upper = 1 → all flagged (no guard)
    out = ocds.run(releases, "[R048]\nminimum_contracting_processes = 2\n")
    assert out["Tenderer"] == {"S0": {"R048": 1.0}, "S1": {"R048": 1.0}}
    # default minimum 20: nobody kept, fence from no data is NaN → null
    out = ocds.run(releases, "[R048]\n")
    assert "Tenderer" not in out
    assert out["Meta"] == {"R048": {"q1": None, "q3": None, "upper_fence": None}}
