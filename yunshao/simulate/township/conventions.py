"""Township conventions: the local habits of a county's villages and townships (issue 18).

Kept apart from `profiles.py` so that a profile only names its convention; every knob here is one a rule
written for one county might silently assume (an area limit, an approval limit, a meal norm, which days
staff work), so each foreign profile changes several of them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Share of a county's projects that are township power items (housing, assets, funds, finance).
TOWNSHIP_SHARE = 0.22
#: Mix of township items by power item.
ITEM_P = {"housing": 0.30, "assets": 0.22, "funds": 0.13, "finance": 0.35}

#: Per-item probability of each planted scheme (times the profile's scheme_factor).
TOWNSHIP_SCHEME_P: dict[str, dict[str, float]] = {
    "housing": {"homestead_second_plot": 0.015, "homestead_over_area": 0.015, "housing_relative": 0.015},
    "assets": {"lease_below_value": 0.015, "lease_no_bidding": 0.015, "lease_relative": 0.015},
    # a programme pays many people: a programme with one bad payment is more frequent than a bad lease
    "funds": {"fund_deceased": 0.025, "fund_ineligible": 0.025, "fund_twice": 0.025, "fund_relative": 0.025},
    "finance": {
        "invoice_splitting": 0.006,  # per anchor; a group holds 2-4 claims
        "duplicate_invoice": 0.012,
        "holiday_banquet": 0.012,
        "expense_self_approval": 0.008,
    },
}

#: Per clean item probability of each benign look-alike, and the scheme it resembles.
TOWNSHIP_LOOKALIKE_P: dict[str, dict[str, float]] = {
    "housing": {"split_household_plot": 0.04, "relative_recused": 0.03},
    "assets": {"poor_asset_low_rent": 0.04},  # assembly-approved negotiation: the convention's own rate
    "funds": {"paid_on_death_day": 0.08, "moved_in_resident": 0.08},
    "finance": {"duty_weekend_meal": 0.03, "repeated_small_claims": 0.02},
}
TOWNSHIP_LOOKS_LIKE = {
    "split_household_plot": "homestead_second_plot",
    "relative_recused": "housing_relative",
    "assembly_negotiated_lease": "lease_no_bidding",
    "poor_asset_low_rent": "lease_below_value",
    "paid_on_death_day": "fund_deceased",
    "moved_in_resident": "fund_ineligible",
    "duty_weekend_meal": "holiday_banquet",
    "repeated_small_claims": "invoice_splitting",
}
#: Schemes an investigation of a clean township item may have looked for, by domain.
TOWNSHIP_CLEAN_SCHEMES = {
    "housing": ("homestead_second_plot", "homestead_over_area", "housing_relative"),
    "assets": ("lease_below_value", "lease_no_bidding", "lease_relative"),
    "funds": ("fund_deceased", "fund_ineligible", "fund_twice", "fund_relative"),
    "finance": ("invoice_splitting", "duplicate_invoice", "holiday_banquet", "expense_self_approval"),
}


@dataclass(frozen=True)
class TownshipConvention:
    """How one county's villages and townships work; read by the township simulator modules."""

    area_limit_m2: float = 150.0  # homestead area per household (宅基地面积标准), housing.py
    negotiated_assembly_p: float = 0.08  # clean leases negotiated with the assembly's resolution, assets.py
    public_listing_p: float = 0.5  # share of public-bid leases listed rather than auctioned
    approval_limit: float = 5_000.0  # one invoice above it needs the township head's sign-off, finance.py
    meal_norm: float = 60.0  # yuan a head for a working meal, finance.py
    saturday_workday: bool = False  # Saturday working sessions with working meals, finance.py
    duty_meal_p: float = 0.03  # clean weekend meals on flood or emergency duty, finance.py
    local_holidays: tuple[tuple[int, int], ...] = ()  # (month, day) local festival days off, finance.py
    max_income_band: int = 3  # poorest bands eligible for means-tested programmes, funds.py
    zh: str = "默认：宅基地每户150平方米；单张发票5000元以上须主要负责人审批；工作餐每人60元。"

    @property
    def en(self) -> str:
        """The convention in one line, from its numbers (for the profiles table)."""
        extra = "; Saturday working sessions with working meals" if self.saturday_workday else ""
        local = f"; {len(self.local_holidays)} local days off" if self.local_holidays else ""
        return (
            f"township: homestead limit {self.area_limit_m2:.0f} m2 a household; invoices above "
            f"{self.approval_limit:,.0f} yuan signed by the head; meals {self.meal_norm:.0f} yuan a head; "
            f"{self.negotiated_assembly_p:.0%} of leases negotiated on the assembly's resolution; "
            f"{self.duty_meal_p:.0%} of claims weekend duty meals; means-tested up to income band "
            f"{self.max_income_band}{extra}{local}"
        )
