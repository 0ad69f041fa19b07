"""OCDS support: import compiled releases into the trail contract, Cardinal-compatible red-flag
indicators, and bid-rigging screens.

OCDS 支持：导入开放合同数据标准（OCDS）数据、与 Cardinal 一致的红旗指标、围标串标筛查。
"""
