/* ---
requires: [agreements]
when_absent: SELECT CAST(NULL AS VARCHAR) AS project_id, CAST(NULL AS VARCHAR) AS company_id, CAST(NULL AS VARCHAR) AS how WHERE FALSE
zh: 招商协议签约企业（无协议表时为空）
en: companies of investment agreements (empty without an agreements table)
--- */
SELECT project_id, company_id, 'agreement' AS how FROM agreements
