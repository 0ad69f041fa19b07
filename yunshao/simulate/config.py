"""Fixed shape of the simulated county: calendar, sizes and mixes.

Everything that is not drawn from the seeded generator lives here so that a reader can see the world's
proportions in one place. Times inside the simulator are int64 seconds (timestamps) or int days
(dates) since 1970-01-01, naive Asia/Shanghai local time.
"""

from __future__ import annotations

import numpy as np

from yunshao.contract.schema import SCHEMES  # noqa: F401  (re-exported: the simulator plants these)

DAY = 86_400


def day_of(iso: str) -> int:
    """Days since the epoch of an ISO date."""
    return int(np.datetime64(iso, "D").astype(np.int64))


#: First day anyone holds a post; assignments start here or later.
WORLD_START = day_of("2020-01-01")
#: Trails start between these two days (project k of N starts at k/N of the span).
TRAIL_START = day_of("2022-01-01")
TRAIL_START_END = day_of("2025-12-31")
#: "Today": nothing happens after this day; unfinished trails are `ongoing`.
SIM_END = day_of("2026-11-20")
#: First and last month of social insurance records.
SI_FIRST_MONTH = "2022-01"
SI_LAST_MONTH = "2026-11"
#: Labels are decided in the last 18 months.
LABEL_START = day_of("2025-05-20")

#: Projects generated together with one seeded generator. Data never depends on the chunk size because
#: chunks are whole numbers of blocks.
BLOCK = 500

#: Domain mix of projects.
DOMAIN_P = {"construction": 0.62, "procurement": 0.20, "subsidy": 0.08, "investment": 0.05, "land": 0.05}

COUNTY = "云山县"
TOWNSHIPS = (
    "城关镇", "青石镇", "白沙镇", "临溪镇", "枫林镇", "凤凰镇",
    "马渡镇", "桃源乡", "石门乡", "双河街道", "东湖街道", "南塘街道",
)  # fmt: skip
ZONES = ("云山经济开发区", "云山高新技术产业园区")
DEPARTMENTS = (
    "县发展和改革局", "县财政局", "县住房和城乡建设局", "县自然资源和规划局", "县审计局",
    "县交通运输局", "县水利局", "县农业农村局", "县教育局", "县卫生健康局",
    "县商务局", "县经济和信息化局", "县公共资源交易中心", "县人力资源和社会保障局", "县生态环境局",
    "县应急管理局", "县民政局", "县文化和旅游局", "县市场监督管理局", "县综合行政执法局",
)  # fmt: skip
SOES = ("云山城投集团", "云山交投集团", "云山水务集团", "云山国资经营公司", "开发区建设发展公司", "云山文旅集团")
#: Departments that approve other units' nodes, by short key.
DEPT_KEYS = {"drc": 0, "finance": 1, "housing": 2, "land": 3, "audit": 4, "commerce": 10, "economy": 11}

CONSTRUCTION_CATEGORIES = ("road", "bridge", "water", "building", "renovation", "landscape", "emergency")
PROCUREMENT_CATEGORIES = ("goods", "services")
SUBSIDY_CATEGORIES = ("agriculture", "industry", "employment", "housing")
INVESTMENT_CATEGORIES = ("manufacturing", "logistics", "technology")
LAND_CATEGORIES = ("industrial", "residential", "public")

#: Company kinds and their share of all companies.
COMPANY_KIND_P = {
    "works": 0.46, "goods": 0.18, "services": 0.18, "agency": 0.04, "appraiser": 0.04, "investor": 0.10,
}  # fmt: skip

#: Per-project probability of each planted scheme, by domain (the rest is clean).
SCHEME_P: dict[str, dict[str, float]] = {
    "construction": {
        "bid_rigging": 0.016,
        "qualification_borrowing": 0.011,
        "tender_avoidance": 0.006,
        "tender_splitting": 0.004,  # per anchor; a group holds 2-4 projects
        "build_before_approval": 0.010,
        "settlement_inflation": 0.012,
        "self_approval": 0.005,
        "relative_favour": 0.006,
    },
    "procurement": {
        "bid_rigging": 0.012,
        "tender_avoidance": 0.010,
        "tender_splitting": 0.006,
        "self_approval": 0.006,
        "relative_favour": 0.006,
    },
    "subsidy": {"self_approval": 0.02},
    "investment": {"payout_unmet_promise": 0.09, "self_approval": 0.01},
    "land": {"land_appraisal_inflation": 0.09, "self_approval": 0.01},
}
#: Share of planted construction projects that carry a second scheme.
SECOND_SCHEME_P = 0.10
#: Per clean project probability of each benign look-alike, by domain.
LOOKALIKE_P: dict[str, dict[str, float]] = {
    "construction": {
        "emergency_no_tender": 0.010,
        "honest_change_orders": 0.025,
        "cheap_single_bidder": 0.008,
        "relative_of_employee": 0.004,
        "park_shared_ip": 0.010,  # planned; any clean tender with two park firms is recorded
        "phased_project": 0.008,
    },
    "procurement": {"cheap_single_bidder": 0.015, "relative_of_employee": 0.004, "park_shared_ip": 0.012},
    "subsidy": {},
    "investment": {"payout_withheld": 0.06},
    "land": {"prime_parcel": 0.05},
}
#: Clean budgets never fall in this band of the tendering threshold (planted splits live there).
SPLIT_BAND = (0.80, 1.0)
