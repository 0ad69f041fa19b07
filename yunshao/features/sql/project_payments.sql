/* ---
entity: project
family: payments
requires: [projects, contracts, payments]
features:
  - name: paid_over_contract
    type: float
    zh: 付款与合同额比
    en: payments over contract amount
    meaning_zh: 工程类付款（预付款、进度款、结算款）之和除以全部合同金额之和；无合同时为空。
    meaning_en: Sum of advance, progress and settlement payments over the sum of all contract amounts; NULL without contracts.
  - name: paid_before_contract
    type: bool
    zh: 先付款后签约
    en: paid before contract
    meaning_zh: 有付款早于该项目最早的合同签订时间；无签订时间时为空。
    meaning_en: A payment was made before the project's earliest contract was signed; NULL when no signing time is known.
  - name: payee_not_contractor_share
    type: float
    zh: 非合同方收款占比
    en: share paid to non-contractors
    meaning_zh: 收款单位已知的付款中，收款单位不是该项目任何合同相对方的金额占比。
    meaning_en: Among payments with a known payee company, the share of the amount paid to a company that holds none of the project's contracts.
--- */
WITH c AS (
    SELECT project_id, sum(amount) AS contract_amount, min(signed_at) AS first_signed
    FROM contracts
    GROUP BY project_id
),
cc AS (
    SELECT DISTINCT project_id, company_id FROM contracts
),
pay AS (
    SELECT
        y.project_id,
        sum(CASE WHEN coalesce(y.kind, 'progress') IN ('advance', 'progress', 'settlement') THEN y.amount ELSE 0 END)
            AS works_paid,
        min(y.paid_at) AS first_paid,
        sum(CASE WHEN y.payee_company_id IS NOT NULL THEN y.amount END) AS known_payee_amount,
        sum(CASE WHEN y.payee_company_id IS NOT NULL AND cc.company_id IS NULL THEN y.amount ELSE 0 END)
            AS other_payee_amount
    FROM payments y
    LEFT JOIN cc ON cc.project_id = y.project_id AND cc.company_id = y.payee_company_id
    GROUP BY y.project_id
)
SELECT
    p.project_id,
    coalesce(pay.works_paid, 0) / nullif(c.contract_amount, 0) AS paid_over_contract,
    CASE WHEN c.first_signed IS NOT NULL THEN coalesce(pay.first_paid < c.first_signed, FALSE) END AS paid_before_contract,
    pay.other_payee_amount / nullif(pay.known_payee_amount, 0) AS payee_not_contractor_share
FROM projects p
LEFT JOIN c ON c.project_id = p.project_id
LEFT JOIN pay ON pay.project_id = p.project_id
