"""County profiles: the same schemes under different local conventions.

The rules and features were written against the default county, so quality measured there is circular.
A foreign profile keeps every scheme in spirit but changes the county's habits (working hours, offline
entry, date-only clocks), its lawful local practice (staged investment payouts, resubmission cycles,
firms sharing one building, sibling projects just under the threshold, heads signing by delegation), its
base rate, its label noise and who is corrupt (a minority of posts commit most official-side schemes).

`Profile()` with no arguments is the default county: every knob equals the constant the simulator used
before profiles existed, so the default output is byte-for-byte unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yunshao.simulate.township.conventions import TownshipConvention


@dataclass(frozen=True)
class Profile:
    """One county's conventions; the knobs are read by the simulator modules named in the comments."""

    name: str = "default"
    zh: str = "默认县：基准约定，规则与特征据此编写。"
    en: str = "Default county: the baseline conventions the rules and features were written for."
    changes: tuple[str, ...] = ("Baseline: nothing changed.",)
    # --- base rate (plan.py): every scheme probability times scheme_scale times scheme_mult[scheme]
    scheme_scale: float = 1.0
    scheme_mult: dict[str, float] = field(default_factory=dict)
    planted_share: tuple[float, float] = (0.04, 0.09)  # declared range of planted projects / all projects
    # --- timing (trails.expand): probabilities a raw weekend event is moved to Monday, by weekday
    saturday_move_p: float = 0.93
    sunday_move_p: float = 0.93
    night_p: float = 0.012  # events at 22:00-06:00
    after_hours_p: float = 0.04  # night plus evening (17:30-22:00), cumulative
    offline_project_p: float = 0.05  # projects handled mostly offline
    offline_row_p: float = 0.35  # share of an offline project's events entered offline
    online_offline_p: float = 0.01  # stray offline events of online projects
    # --- entry habits (timing.py): offline events entered in weekly batches, date-only clocks
    offline_lag_days: int = 0  # 0: entered when they happen; else at least this many days later
    batch_weekday: int = 4  # Monday 0 ... Friday 4
    date_only_p: float = 0.0  # share of approval rows with time 00:00:00
    # --- trails (trails.py): approve patterns with a return / a rejection and a resubmission
    return_p: float = 0.04
    resubmit_p: float = 0.05  # return plus reject cycles, cumulative
    # --- organisation (county.py)
    approver_level: int = 2  # highest post level that approves: 0 head, 1 deputy, 2 section chief
    village_by_township: bool = False  # 村账乡管: villages' own nodes approved by the township's posts
    delegating_units: int = 0  # units whose head signs most of the unit's own approvals
    delegation_p: float = 0.0
    shared_building_groups: int = 0  # groups of 3-5 clean firms sharing one address and phone
    # --- lawful practice (practices.py)
    sibling_p: float = 0.0  # clean tendered projects that get 1-2 siblings just under the threshold
    staged_agreement_p: float = 0.0  # clean investment agreements paid in stages against partial targets
    # --- corrupt posts (corrupt.py)
    corrupt_share: tuple[float, float] = (0.0, 0.0)  # bounds on corrupt / approving posts
    corrupt_assign_p: float = 0.0  # share of official-side planted projects signed by a corrupt post
    # --- labels (labels.py)
    wrong_unfounded_p: float = 0.0  # share of unfounded verdicts that fall on planted projects
    label_focus: dict[str, float] = field(default_factory=dict)  # relative label rate per scheme
    # --- township power items (township/): area limits, approval limits, meal norms, working days
    township: TownshipConvention = field(default_factory=TownshipConvention)

    @property
    def is_default(self) -> bool:
        return self.name == "default"

    @property
    def offline_share(self) -> float:
        """Expected share of approval events entered offline."""
        p = self.offline_project_p
        return p * self.offline_row_p + (1 - p) * self.online_offline_p

    @property
    def weekend_share(self) -> float:
        """Expected share of events timed on a weekend (before entry habits)."""
        return ((1 - self.saturday_move_p) + (1 - self.sunday_move_p)) / 7

    @property
    def evening_p(self) -> float:
        """Share of events timed 17:30-22:00 (before entry habits)."""
        return self.after_hours_p - self.night_p

    def scheme_factor(self, scheme: str) -> float:
        return self.scheme_scale * self.scheme_mult.get(scheme, 1.0)


_TENDER_FOCUS = {"tender_avoidance": 2.5, "tender_splitting": 2.0, "bid_rigging": 1.5}

PROFILES: dict[str, Profile] = {
    "default": Profile(),
    "hillcounty": Profile(
        name="hillcounty",
        zh="山区县：乡镇网络差，线下审批按周集中补录，只记日期；村级项目由乡镇审批；相邻村道分段立项。",
        en="Mountain county: poor connectivity, offline approvals keyed in weekly batches with dates only; "
        "villages approved by the township; neighbouring village roads funded as separate projects.",
        changes=(
            "40 % of projects handled offline (80 % of their events), entered in Friday batches at least 3 days "
            "later, so recorded approvals often follow the next step",
            "25 % of approval rows carry a date only (time 00:00:00)",
            "village projects approved by the township's posts (村账乡管); only heads and deputies approve",
            "12 % of clean tendered projects come with 1-2 siblings of one unit and category just under the "
            "tendering threshold (separately funded village works)",
            "base rate 4-8 % of projects planted; land appraisal and subsidy self-approval more frequent",
            "corrupt posts: 12-28 % of approving posts sign 80 % of the official-side schemes",
            "labels: 15 % of unfounded verdicts wrong; investigations focus on land and self-approval",
        ),
        scheme_scale=0.85,
        scheme_mult={"land_appraisal_inflation": 1.8, "self_approval": 1.6, "bid_rigging": 0.6},
        planted_share=(0.04, 0.08),
        offline_project_p=0.40,
        offline_row_p=0.80,
        offline_lag_days=3,
        batch_weekday=4,
        date_only_p=0.25,
        approver_level=1,
        village_by_township=True,
        sibling_p=0.12,
        corrupt_share=(0.12, 0.28),
        corrupt_assign_p=0.8,
        wrong_unfounded_p=0.15,
        label_focus={"land_appraisal_inflation": 2.5, "self_approval": 2.0, "bid_rigging": 0.4},
        township=TownshipConvention(
            area_limit_m2=200.0,
            negotiated_assembly_p=0.40,
            approval_limit=2_000.0,
            meal_norm=40.0,
            duty_meal_p=0.08,
            local_holidays=((4, 4), (4, 5), (6, 21)),
            max_income_band=4,
            zh="山区：宅基地每户200平方米；山林鱼塘多经村民代表会议议定协商发包；单张发票2000元以上须负责人审批；"
            "工作餐每人40元；汛期周末值班工作餐常见；三月三等地方节日放假。",
        ),
    ),
    "devzone": Profile(
        name="devzone",
        zh="开发区：晚间与周六集中审批；招商协议分期兑现、按阶段目标付款；孵化楼内企业共用地址电话；主任授权签批。",
        en="Development zone: approvals in the evening and on Saturdays; investment deals paid in stages "
        "against partial targets; incubator firms share one address and phone; heads sign by delegation.",
        changes=(
            "30 % of events timed 17:30-22:00, 4 % at night; 60 % of Saturday events stay on Saturday",
            "45 % of clean investment agreements pay in stages: the payout follows a year at 55-90 % of the "
            "full promise, lawfully",
            "8 groups of 3-5 clean firms in one incubator building share address and phone",
            "in 4 units the head signs 85 % of the unit's own approvals by delegation",
            "villages inside the zone approved by the zone's township posts; only heads and deputies approve",
            "base rate 8-12 % of projects planted; payouts on unmet promises and land deals more frequent",
            "corrupt posts: 12-28 % of approving posts sign 85 % of the official-side schemes",
            "labels: 10 % of unfounded verdicts wrong; investigations focus on investment payouts",
        ),
        scheme_scale=1.45,
        scheme_mult={"payout_unmet_promise": 1.6, "land_appraisal_inflation": 1.4},
        planted_share=(0.08, 0.12),
        saturday_move_p=0.40,
        night_p=0.04,
        after_hours_p=0.34,
        approver_level=1,
        village_by_township=True,
        delegating_units=4,
        delegation_p=0.85,
        shared_building_groups=8,
        staged_agreement_p=0.45,
        corrupt_share=(0.12, 0.28),
        corrupt_assign_p=0.85,
        wrong_unfounded_p=0.10,
        label_focus={"payout_unmet_promise": 3.0, "land_appraisal_inflation": 1.5, "qualification_borrowing": 0.3},
        township=TownshipConvention(
            area_limit_m2=120.0,
            negotiated_assembly_p=0.15,
            public_listing_p=0.85,
            approval_limit=10_000.0,
            meal_norm=120.0,
            saturday_workday=True,
            max_income_band=2,
            zh="开发区：宅基地每户120平方米；厂房商铺多挂牌出租；单张发票1万元以上须负责人审批；工作餐每人120元；周六加班有工作餐。",
        ),
    ),
    "rivercity": Profile(
        name="rivercity",
        zh="河港城区：审批退回补正、驳回重报常见；部分单位一把手授权代签；相邻地块分标段建设。",
        en="River-port district: returns and reject-resubmit cycles are routine; some heads sign by "
        "delegation; adjoining works split into lots, each just under the threshold.",
        changes=(
            "22 % of approvals go through a return-and-resubmit cycle, 8 % through reject-and-resubmit",
            "in 6 units the head signs 80 % of the unit's own approvals by delegation",
            "8 % of clean tendered projects come with 1-2 sibling lots just under the tendering threshold",
            "10 % of approval rows carry a date only; 10 % of projects partly offline, entered 2+ days later",
            "village projects approved by the township's posts; only heads and deputies approve",
            "base rate 5-9 % of projects planted; tender avoidance and settlement inflation more frequent",
            "corrupt posts: 12-28 % of approving posts sign 75 % of the official-side schemes",
            "labels: 20 % of unfounded verdicts wrong; investigations focus on settlements",
        ),
        scheme_scale=1.0,
        scheme_mult={"tender_avoidance": 1.8, "settlement_inflation": 1.5, "land_appraisal_inflation": 0.7},
        planted_share=(0.05, 0.09),
        offline_project_p=0.10,
        offline_row_p=0.60,
        offline_lag_days=2,
        batch_weekday=0,
        date_only_p=0.10,
        return_p=0.22,
        resubmit_p=0.30,
        approver_level=1,
        village_by_township=True,
        delegating_units=6,
        delegation_p=0.80,
        sibling_p=0.08,
        corrupt_share=(0.12, 0.28),
        corrupt_assign_p=0.75,
        wrong_unfounded_p=0.20,
        label_focus={"settlement_inflation": 2.5, "build_before_approval": 1.5, "bid_rigging": 0.5},
        township=TownshipConvention(
            area_limit_m2=100.0,
            negotiated_assembly_p=0.03,
            public_listing_p=0.2,
            approval_limit=3_000.0,
            meal_norm=80.0,
            duty_meal_p=0.10,
            max_income_band=3,
            zh="河港城区：宅基地每户100平方米；资产几乎全部拍卖；单张发票3000元以上须负责人审批；工作餐每人80元；防汛值班周末工作餐多。",
        ),
    ),
    "oldtown": Profile(
        name="oldtown",
        zh="老城区：旧系统只记日期；老商务楼里企业共用地址总机；周六加班审批；纪检重点查招投标。",
        en="Old town: a legacy system that stores dates only; firms of an old office block share address "
        "and switchboard; Saturday sessions; investigators chase tendering cases.",
        changes=(
            "45 % of approval rows carry a date only (time 00:00:00)",
            "15 % of projects partly offline (70 % of their events), entered in Monday batches 4+ days later",
            "35 % of Saturday events stay on Saturday; 12 % of events in the evening",
            "6 groups of 3-5 clean firms in one office block share address and phone",
            "12 % of approvals go through a return-and-resubmit cycle",
            "village projects approved by the township's posts; only heads and deputies approve",
            "base rate 6-11 % of projects planted; tender avoidance, splitting and bid rigging more frequent",
            "corrupt posts: 12-28 % of approving posts sign 80 % of the official-side schemes",
            "labels: 25 % of unfounded verdicts wrong; investigations concentrate on tendering schemes",
        ),
        scheme_scale=1.1,
        scheme_mult={"tender_avoidance": 2.0, "tender_splitting": 1.6, "bid_rigging": 1.4},
        planted_share=(0.06, 0.11),
        saturday_move_p=0.65,
        after_hours_p=0.132,
        offline_project_p=0.15,
        offline_row_p=0.70,
        offline_lag_days=4,
        batch_weekday=0,
        date_only_p=0.45,
        return_p=0.12,
        resubmit_p=0.14,
        approver_level=1,
        village_by_township=True,
        shared_building_groups=6,
        corrupt_share=(0.12, 0.28),
        corrupt_assign_p=0.8,
        wrong_unfounded_p=0.25,
        label_focus=_TENDER_FOCUS,
        township=TownshipConvention(
            area_limit_m2=140.0,
            negotiated_assembly_p=0.25,
            approval_limit=5_000.0,
            meal_norm=50.0,
            saturday_workday=True,
            local_holidays=((9, 9),),
            max_income_band=3,
            zh="老城区：宅基地每户140平方米；老村集体资产常经代表会议协商续租；工作餐每人50元；周六加班有工作餐；重阳节放假。",
        ),
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called `name`; ValueError listing the known names otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile '{name}'; known: {', '.join(PROFILES)}") from None


def profiles_markdown() -> str:
    """A table of every profile (name, descriptions, what changes), for the evaluation report."""
    lines = [
        "| profile | description | 说明 | what changes |",
        "|---|---|---|---|",
    ]
    for p in PROFILES.values():
        changes = "<br>".join(f"• {c}" for c in (*p.changes, p.township.en))
        lo, hi = p.planted_share
        lines.append(f"| `{p.name}` | {p.en} (planted {lo:.0%}-{hi:.0%}) | {p.zh} | {changes} |")
    return "\n".join(lines)
