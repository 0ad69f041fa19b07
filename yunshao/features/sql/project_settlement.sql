/* ---
entity: project
family: settlement
requires: [projects, settlements, contracts]
features:
  - name: settlement_over_contract
    type: float
    zh: 送审结算与合同比
    en: submitted settlement over contract
    meaning_zh: 送审结算金额除以主合同金额之和；无结算或无主合同时为空。
    meaning_en: Submitted settlement amount over the sum of the main contracts' amounts; NULL without either.
  - name: audited_over_contract
    type: float
    zh: 审定结算与合同比
    en: audited settlement over contract
    meaning_zh: 审定结算金额除以主合同金额之和；超过1较多说明结算突破合同。
    meaning_en: Audited settlement amount over the sum of the main contracts' amounts; well above 1 means the settlement broke through the contract.
  - name: audit_cut_ratio
    type: float
    zh: 审减率
    en: audit reduction ratio
    meaning_zh: （送审－审定）÷ 送审；高审减率说明送审虚高。
    meaning_en: (Submitted − audited) over submitted; a high reduction means the submission was inflated.
--- */
WITH c AS (
    SELECT project_id, sum(amount) AS contract_amount
    FROM contracts
    WHERE coalesce(kind, 'main') = 'main'
    GROUP BY project_id
)
SELECT
    p.project_id,
    s.submitted_amount / nullif(c.contract_amount, 0) AS settlement_over_contract,
    s.audited_amount / nullif(c.contract_amount, 0) AS audited_over_contract,
    (s.submitted_amount - s.audited_amount) / nullif(s.submitted_amount, 0) AS audit_cut_ratio
FROM projects p
LEFT JOIN settlements s ON s.project_id = p.project_id
LEFT JOIN c ON c.project_id = p.project_id
