/* ---
requires: [tender_winners_or_empty, contract_parties_or_empty, agreement_parties_or_empty, payment_payees_or_empty]
zh: 从项目获益的企业：中标、签约、协议、收款
en: the companies a project benefits (winners, contractors, agreement parties, payees)
--- */
SELECT project_id, company_id, array_agg(DISTINCT how ORDER BY how) AS how
FROM (
    SELECT * FROM tender_winners_or_empty
    UNION ALL SELECT * FROM contract_parties_or_empty
    UNION ALL SELECT * FROM agreement_parties_or_empty
    UNION ALL SELECT * FROM payment_payees_or_empty
)
GROUP BY project_id, company_id
