/* ---
entity: project
family: payout
requires: [projects, agreements, performance, payments]
features:
  - name: payout_amount
    type: float
    zh: 兑现资金额
    en: payout amount
    meaning_zh: 有招商协议的项目收到的补贴类（subsidy）付款之和。
    meaning_en: Sum of the subsidy payments of a project that has investment agreements.
  - name: payout_over_actual_investment
    type: float
    zh: 兑现资金与实际投资比
    en: payout over actual investment
    meaning_zh: 兑现资金除以各年实际投资之和；实际投资为零而有兑现时为空，见下一特征。
    meaning_en: Payout over the sum of the actual investment; NULL when nothing was invested (see the next feature).
  - name: payout_without_investment
    type: bool
    zh: 无投资而兑现
    en: payout without investment
    meaning_zh: 已兑现补贴，但履约记录中实际投资为零或没有履约记录。
    meaning_en: A payout was made although the performance records show no actual investment (or there are none).
  - name: payout_over_promised_investment
    type: float
    zh: 兑现资金与承诺投资比
    en: payout over promised investment
    meaning_zh: 兑现资金除以承诺投资。
    meaning_en: Payout over the promised investment.
--- */
WITH perf AS (
    SELECT agreement_id, sum(actual_investment) AS inv
    FROM performance
    GROUP BY agreement_id
),
a AS (
    SELECT g.project_id, sum(g.promised_investment) AS promised_inv, sum(perf.inv) AS actual_inv
    FROM agreements g
    LEFT JOIN perf ON perf.agreement_id = g.agreement_id
    GROUP BY g.project_id
),
pay AS (
    SELECT project_id, sum(amount) AS payout
    FROM payments
    WHERE kind = 'subsidy'
    GROUP BY project_id
)
SELECT
    p.project_id,
    CASE WHEN a.project_id IS NOT NULL THEN coalesce(pay.payout, 0) END AS payout_amount,
    pay.payout / nullif(a.actual_inv, 0) AS payout_over_actual_investment,
    CASE WHEN a.project_id IS NOT NULL THEN coalesce(pay.payout > 0 AND coalesce(a.actual_inv, 0) = 0, FALSE) END
        AS payout_without_investment,
    pay.payout / nullif(a.promised_inv, 0) AS payout_over_promised_investment
FROM projects p
LEFT JOIN a ON a.project_id = p.project_id
LEFT JOIN pay ON pay.project_id = p.project_id
