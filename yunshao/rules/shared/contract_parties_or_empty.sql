/* ---
requires: [contracts]
when_absent: SELECT CAST(NULL AS VARCHAR) AS project_id, CAST(NULL AS VARCHAR) AS company_id, CAST(NULL AS VARCHAR) AS how WHERE FALSE
zh: 合同相对方（无合同表时为空）
en: contracting companies (empty without a contracts table)
--- */
SELECT project_id, company_id, 'contractor' AS how FROM contracts
