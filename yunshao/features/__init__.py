"""Feature pipelines: SQL files per entity and family, run by DuckDB into wide feature tables.

特征管道：按实体与特征族组织的 SQL 文件，由 DuckDB 计算并汇总为宽表。The catalog (names and meanings
from the files' headers) is ``yunshao.features.catalog.load_catalog``.
"""

from yunshao.features.files import FeatureSpec
from yunshao.features.runner import FeatureReport, FileRun, build_features

__all__ = ["FeatureReport", "FeatureSpec", "FileRun", "build_features"]
