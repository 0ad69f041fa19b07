/* ---
requires: [payments]
when_absent: SELECT CAST(NULL AS VARCHAR) AS project_id, CAST(NULL AS VARCHAR) AS company_id, CAST(NULL AS VARCHAR) AS how WHERE FALSE
zh: 收款企业（无支付表时为空）
en: paid companies (empty without a payments table)
--- */
SELECT project_id, payee_company_id AS company_id, 'payee' AS how FROM payments WHERE payee_company_id IS NOT NULL
