"""Feature pipelines: SQL files per entity and family, run by DuckDB into wide feature tables.

特征管道：按实体与特征族组织的 SQL 文件，由 DuckDB 计算并汇总为宽表。The catalog (names and meanings
from the files' headers) is ``yunshao.features.catalog.load_catalog``. Exports are imported on first use,
so that reading the catalog does not load the runner.
"""

from typing import TYPE_CHECKING

from yunshao.lazy import lazy_exports

if TYPE_CHECKING:
    from yunshao.features.files import FeatureColumn
    from yunshao.features.runner import FeatureReport, FileRun, build_features

__all__ = ["FeatureColumn", "FeatureReport", "FileRun", "build_features"]

__getattr__ = lazy_exports(
    __name__,
    {
        "FeatureColumn": "yunshao.features.files",
        "FeatureReport": "yunshao.features.runner",
        "FileRun": "yunshao.features.runner",
        "build_features": "yunshao.features.runner",
    },
)
