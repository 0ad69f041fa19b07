/* ---
requires: [tenders]
when_absent: SELECT CAST(NULL AS VARCHAR) AS project_id, CAST(NULL AS VARCHAR) AS company_id, CAST(NULL AS VARCHAR) AS how WHERE FALSE
zh: 中标企业（无招标表时为空）
en: tender winners (empty without a tenders table)
--- */
SELECT project_id, winner_company_id AS company_id, 'winner' AS how FROM tenders WHERE winner_company_id IS NOT NULL
