/* ---
entity: project
family: people
requires: [projects]
requires_any: [[tenders, contracts, agreements, payments]]
optional: [tenders, contracts, agreements, payments]
meaning_en: >
  The companies that benefit from each project, one row per project and company, with how
  (winner, contractor, agreement party, payee), from whichever of these tables are present.
meaning_zh: 每个项目的受益企业（每个项目每家企业一行）及受益方式：中标人、合同相对方、招商协议企业、收款单位（取所提供的表）。
--- */
SELECT project_id, company_id, array_agg(DISTINCT how ORDER BY how) AS how
FROM (
    SELECT project_id, winner_company_id AS company_id, 'winner' AS how FROM tenders
    UNION ALL
    SELECT project_id, company_id, 'contractor' AS how FROM contracts
    UNION ALL
    SELECT project_id, company_id, 'agreement' AS how FROM agreements
    UNION ALL
    SELECT project_id, payee_company_id AS company_id, 'payee' AS how FROM payments
) x
WHERE company_id IS NOT NULL
GROUP BY project_id, company_id
