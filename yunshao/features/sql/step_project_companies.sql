/* ---
entity: project
family: people
kind: step
requires: [projects]
requires_any: [[tenders, contracts, agreements, payments]]
optional: [tenders, contracts, agreements, payments]
meaning_en: >
  The companies that benefit from each project: tender winners, contract holders, investment-agreement
  parties and payees, from whichever of these tables are present.
meaning_zh: 每个项目的受益企业：中标人、合同相对方、招商协议企业、收款单位（取所提供的表）。
--- */
SELECT DISTINCT project_id, company_id
FROM (
    SELECT project_id, winner_company_id AS company_id FROM tenders
    UNION ALL
    SELECT project_id, company_id FROM contracts
    UNION ALL
    SELECT project_id, company_id FROM agreements
    UNION ALL
    SELECT project_id, payee_company_id FROM payments
) x
WHERE company_id IS NOT NULL
