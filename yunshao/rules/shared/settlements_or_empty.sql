/* ---
requires: [settlements]
when_absent: SELECT CAST(NULL AS VARCHAR) AS project_id, CAST(NULL AS DOUBLE) AS audited_amount WHERE FALSE
zh: 结算表（数据集没有结算表时为空表），供付款类规则比较
en: the settlements table, or an empty one when the dataset has none, for payment rules to compare with
--- */
SELECT project_id, audited_amount FROM settlements
