"""The simulator: a realistic county with planted misconduct, benign look-alikes, bad rows and labels.

`simulate(out, n_projects, seed)` writes a dataset in the trail contract to `out` and its ground truth to
a separate folder (default `<out>_truth`): `planted.parquet` (project_id, scheme, entity_type, entity_id,
strength, detail JSON), `lookalikes.parquet` (project_id, kind), `bad_rows.parquet` (table, key, defect),
`posts.parquet` (post_id, corrupt, schemes, projects), `practices.parquet` (lawful local practice) and
`summary.json`. `simulate(..., profile=NAME)` picks a county's conventions from `profiles.PROFILES`; the
default profile is the county described below, the foreign ones change it as their `changes` lines say.

Conventions a reader of the data can rely on:

- Categories: construction `road bridge water building renovation landscape emergency` (works threshold);
  procurement `goods` (goods threshold) or `services` (services threshold); subsidy, investment and land
  categories are not tendered. Thresholds come from `settings.rules`.
- Clean budgets of tendered domains never lie in [0.80, 1.00) x threshold; split members lie in
  [0.82, 0.99) x threshold, 2-4 of them, one unit and category, started within 60 days.
- A price ladder is a ring's bids whose sorted consecutive steps are equal (to 0.1 %) and at most 2 %.
- Performance rows are yearly flows (investment made that year, tax paid that year, headcount at year
  end); a clean payout follows a year whose cumulative investment, tax and headcount meet the promise.
- Comparable land parcels are those of the same category in the same township (region); clean prices per
  m² vary by about 8 %.
- Bad rows live in `<table>.bad.csv` (approvals, bids, payments); every other row satisfies the contract.
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.simulate.config import SCHEMES
    from yunshao.simulate.runner import SimulationSummary, simulate

__all__ = ["SCHEMES", "SimulationSummary", "simulate"]

# imported on first use: the simulator needs numpy and pyarrow, which the CLI loads only for `simulate`
__getattr__ = lazy_exports(
    __name__,
    {
        "SCHEMES": "yunshao.simulate.config",
        "SimulationSummary": "yunshao.simulate.runner",
        "simulate": "yunshao.simulate.runner",
    },
)
