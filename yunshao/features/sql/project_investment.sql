/* ---
entity: project
family: investment
requires: [projects, agreements, performance]
features:
  - name: investment_fulfilment
    type: float
    zh: 投资兑现率
    en: investment fulfilment
    meaning_zh: 各年实际投资之和除以协议承诺投资之和；无承诺时为空。
    meaning_en: Sum of the yearly actual investment over the promised investment; NULL without a promise.
  - name: tax_fulfilment
    type: float
    zh: 税收兑现率
    en: tax fulfilment
    meaning_zh: 有履约记录年份的年均实际税收除以承诺年税收。
    meaning_en: Mean yearly actual tax over the years reported, over the promised annual tax.
  - name: jobs_fulfilment
    type: float
    zh: 就业兑现率
    en: jobs fulfilment
    meaning_zh: 最近一年实际就业人数除以承诺就业人数。
    meaning_en: Actual jobs in the latest reported year over the promised jobs.
  - name: performance_years
    type: int
    zh: 履约记录年数
    en: years of performance records
    meaning_zh: 有履约记录的年份数。
    meaning_en: Number of years with a performance record.
  - name: fulfilment_at_payout
    type: float
    zh: 兑现审核时投资完成率
    en: investment fulfilment at the payout review
    meaning_zh: 政策兑现审核（I04）首次通过前一年及以前的实际投资之和除以承诺投资；未到兑现审核时为空。
    meaning_en: >
      Actual investment up to the year before the first approval of the payout review (I04), over the
      promised investment; NULL before a payout review.
  - name: tax_at_payout
    type: float
    zh: 兑现审核时税收完成率
    en: tax fulfilment at the payout review
    meaning_zh: 兑现审核前一年的实际税收除以承诺年税收。
    meaning_en: Actual tax of the year before the payout review over the promised annual tax.
  - name: jobs_at_payout
    type: float
    zh: 兑现审核时就业完成率
    en: jobs fulfilment at the payout review
    meaning_zh: 兑现审核前一年末的实际就业人数除以承诺就业人数。
    meaning_en: Actual jobs at the end of the year before the payout review over the promised jobs.
  - name: payout_before_check
    type: bool
    zh: 未核查先拨付
    en: payout before the performance check
    meaning_zh: 招商项目的兑现资金拨付（I05）早于履约核查（I03）首次通过，或没有履约核查；未拨付时为否。
    meaning_en: >
      An investment project's payout disbursement (I05) happened before the first approval of the
      performance check (I03), or without one; false when nothing was disbursed.
--- */
WITH nodes AS (
    SELECT
        project_id,
        min(CASE WHEN node = 'I03' THEN first_approve END) AS i03_at,
        min(CASE WHEN node = 'I04' THEN first_approve END) AS i04_at,
        min(CASE WHEN node = 'I05' THEN first_at END) AS i05_at
    FROM node_times
    WHERE node IN ('I03', 'I04', 'I05')
    GROUP BY project_id
),
perf AS (
    SELECT
        g.agreement_id,
        sum(f.actual_investment) AS inv,
        avg(f.actual_tax) AS tax,
        arg_max(f.actual_jobs, f.year) AS jobs,
        count(f.year) AS years,
        sum(CASE WHEN f.year < year(n.i04_at) THEN f.actual_investment END) AS inv_at_payout,
        sum(CASE WHEN f.year = year(n.i04_at) - 1 THEN f.actual_tax END) AS tax_at_payout,
        sum(CASE WHEN f.year = year(n.i04_at) - 1 THEN f.actual_jobs END) AS jobs_at_payout
    FROM agreements g
    JOIN performance f ON f.agreement_id = g.agreement_id
    LEFT JOIN nodes n ON n.project_id = g.project_id
    GROUP BY g.agreement_id
),
a AS (
    SELECT
        g.project_id,
        sum(g.promised_investment) AS promised_inv,
        sum(coalesce(perf.inv, 0)) AS actual_inv,
        sum(g.promised_tax_annual) AS promised_tax,
        sum(perf.tax) AS actual_tax,
        sum(g.promised_jobs) AS promised_jobs,
        sum(perf.jobs) AS actual_jobs,
        max(perf.years) AS years,
        sum(coalesce(perf.inv_at_payout, 0)) AS inv_at_payout,
        sum(perf.tax_at_payout) AS tax_at_payout,
        sum(perf.jobs_at_payout) AS jobs_at_payout
    FROM agreements g
    LEFT JOIN perf ON perf.agreement_id = g.agreement_id
    GROUP BY g.project_id
)
SELECT
    p.project_id,
    a.actual_inv / nullif(a.promised_inv, 0) AS investment_fulfilment,
    a.actual_tax / nullif(a.promised_tax, 0) AS tax_fulfilment,
    a.actual_jobs / nullif(a.promised_jobs, 0) AS jobs_fulfilment,
    coalesce(a.years, 0) AS performance_years,
    CASE WHEN n.i04_at IS NOT NULL THEN a.inv_at_payout / nullif(a.promised_inv, 0) END AS fulfilment_at_payout,
    CASE WHEN n.i04_at IS NOT NULL THEN coalesce(a.tax_at_payout, 0) / nullif(a.promised_tax, 0) END AS tax_at_payout,
    CASE WHEN n.i04_at IS NOT NULL THEN coalesce(a.jobs_at_payout, 0) / nullif(a.promised_jobs, 0) END AS jobs_at_payout,
    CASE WHEN p.domain = 'investment' THEN coalesce(n.i05_at < n.i03_at OR (n.i05_at IS NOT NULL AND n.i03_at IS NULL), FALSE)
    END AS payout_before_check
FROM projects p
LEFT JOIN a ON a.project_id = p.project_id
LEFT JOIN nodes n ON n.project_id = p.project_id
