"""Daily runs: ``yunshao update DELTA --store OUT`` merges new and changed rows into a scored store.

A delta is a folder in the contract's formats holding any subset of the tables: new rows, and rows whose
primary key (``contract.schema.TABLES[name].key``) is stored already, which replace them. It is validated
with the loader's checks against the store (``delta``), merged, and then only what changed is re-scored:

- **What is recomputed whole, and why.** The SQL graph (features and rules) runs again over the merged
  county. It costs seconds on DuckDB, and it is the only way to be right about peers: a new bid moves its
  tender's price screens, a new project its peers' land-price ratios, a new officer of a company every
  bid of that company. Restricting the graph to "affected entities and their peers" would need each of
  the 131 features' and 78 rules' neighbourhoods declared by hand, and one forgotten join would leave a
  stale warning nobody sees.
- **What is recomputed for changed rows only.** The models stage — detectors, classifier, SHAP
  explanations — is what a full run pays most for. A project's score reads its feature row, its rule
  hits and its context, nothing else, once the model is fixed; those are compared before and after
  (``diff``), and only the projects whose rows differ, or that are new, are scored and explained again,
  with the store's own model (``scoring_model``; an update never trains; a full run picks a new champion).
  Project levels come from the thresholds fitted with the model, so they need no county-wide pass.
- **What is recomputed for all rows, cheaply.** Post scores are county-relative (the riskiest 10 % of
  projects, county rates, a detector fitted over posts, levels by rank): every post is scored again.

The result equals a full run over base and delta scored with the same model, row for row
(``tests/pipeline/test_update.py``). The design and its limits: ``docs/update.md``.
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.update.runner import UpdateResult, update

__all__ = ["UpdateResult", "update"]

__getattr__ = lazy_exports(__name__, {"UpdateResult": "yunshao.update.runner", "update": "yunshao.update.runner"})
