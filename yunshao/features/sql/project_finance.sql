/* ---
entity: project
family: finance
requires: [projects, expenses]
optional: [approvals]
features:
  - name: expense_total
    type: float
    zh: 报销总额
    en: claimed total
    meaning_zh: 报销单各费用金额之和；非财务报销项目为空。
    meaning_en: Sum of the claim's expense amounts; NULL for other domains.
  - name: expense_self_approved_share
    type: float
    zh: 自批金额占比
    en: self-approved share
    meaning_zh: 报销人即审批人（费用登记的审批人或E03负责人审批节点的批准人为报销人本人）的金额占报销总额的比例。
    meaning_en: Share of the claimed amount whose claimant approved it (the expense's approver, or the approver of node E03, is the claimant).
  - name: expense_duplicate_invoices
    type: int
    zh: 重复报销发票数
    en: invoices claimed twice
    meaning_zh: 本报销单中发票号码（及开票方）在其他费用行中再次出现的发票数。
    meaning_en: Invoices of the claim whose number (and issuer) appears in another expense row too.
  - name: expense_same_issuer_month_max
    type: int
    zh: 同月同开票方发票数（最大）
    en: most invoices of one issuer in a month
    meaning_zh: 对本报销单的每张发票：同一报销人同一自然月内从同一开票方报销的发票张数（含其他报销单），取最大值；拆分报销时偏高。
    meaning_en: For each invoice of the claim, the invoices the same claimant claimed from the same issuer in the same calendar month (any claim); the largest; high when a purchase is split.
  - name: expense_holiday_meal_per_head
    type: float
    zh: 周末节假日餐费人均（最大）
    en: weekend or holiday meal per head (max)
    meaning_zh: >
      周末（调休上班日除外）或法定节假日的餐费中，金额除以就餐人数的最大值；无此类餐费时为0。节假日与调休日历同规则
      FIN-MEAL 参数 holidays、workdays 的默认值（2020—2027年）。
    meaning_en: >
      Largest amount per head of the claim's meals on a weekend (bridging working days excepted) or a public holiday;
      0 without such meals. The calendar is the default of FIN-MEAL's parameters holidays and workdays (2020-2027).
--- */
WITH ranges AS (
    SELECT TRY_CAST(split_part(r, '..', 1) AS DATE) AS first_day,
           TRY_CAST(coalesce(nullif(split_part(r, '..', 2), ''), split_part(r, '..', 1)) AS DATE) AS last_day
    FROM (SELECT trim(r0) AS r FROM (SELECT unnest(string_split('2020-01-01|2020-01-24..2020-02-02|2020-04-04..2020-04-06|2020-05-01..2020-05-05|2020-06-25..2020-06-27|2020-10-01..2020-10-08|2021-01-01..2021-01-03|2021-02-11..2021-02-17|2021-04-03..2021-04-05|2021-05-01..2021-05-05|2021-06-12..2021-06-14|2021-09-19..2021-09-21|2021-10-01..2021-10-07|2022-01-01..2022-01-03|2022-01-31..2022-02-06|2022-04-03..2022-04-05|2022-04-30..2022-05-04|2022-06-03..2022-06-05|2022-09-10..2022-09-12|2022-10-01..2022-10-07|2022-12-31..2023-01-02|2023-01-21..2023-01-27|2023-04-05|2023-04-29..2023-05-03|2023-06-22..2023-06-24|2023-09-29..2023-10-06|2024-01-01|2024-02-10..2024-02-17|2024-04-04..2024-04-06|2024-05-01..2024-05-05|2024-06-10|2024-09-15..2024-09-17|2024-10-01..2024-10-07|2025-01-01|2025-01-28..2025-02-04|2025-04-04..2025-04-06|2025-05-01..2025-05-05|2025-05-31..2025-06-02|2025-10-01..2025-10-08|2026-01-01..2026-01-03|2026-02-15..2026-02-23|2026-04-04..2026-04-06|2026-05-01..2026-05-05|2026-06-19..2026-06-21|2026-09-25..2026-09-27|2026-10-01..2026-10-07|2027-01-01|2027-02-05..2027-02-08|2027-04-05|2027-05-01..2027-05-02|2027-06-09|2027-09-15|2027-10-01..2027-10-03', '|')) AS r0))
    WHERE r <> ''
),
workdays AS (
    SELECT TRY_CAST(trim(d0) AS DATE) AS day FROM (SELECT unnest(string_split('2020-01-19|2020-04-26|2020-05-09|2020-06-28|2020-09-27|2020-10-10|2021-02-07|2021-02-20|2021-04-25|2021-05-08|2021-09-18|2021-09-26|2021-10-09|2022-01-29|2022-01-30|2022-04-02|2022-04-24|2022-05-07|2022-10-08|2022-10-09|2023-01-28|2023-01-29|2023-04-23|2023-05-06|2023-06-25|2023-10-07|2023-10-08|2024-02-04|2024-02-18|2024-04-07|2024-04-28|2024-05-11|2024-09-14|2024-09-29|2024-10-12|2025-01-26|2025-02-08|2025-04-27|2025-09-28|2025-10-11|2026-01-04|2026-02-14|2026-02-28|2026-05-09|2026-09-20|2026-10-10', '|')) AS d0)
),
self AS (
    SELECT DISTINCT e.expense_id
    FROM expenses e
    WHERE e.claimant_person_id IS NOT NULL AND e.approver_person_id = e.claimant_person_id
    UNION
    SELECT DISTINCT e.expense_id
    FROM expenses e
    JOIN approvals a ON a.project_id = e.project_id AND a.node = 'E03' AND a.action = 'approve'
     AND a.person_id = e.claimant_person_id
),
dup AS (
    SELECT DISTINCT a.expense_id
    FROM expenses a
    JOIN expenses b ON b.invoice_number = a.invoice_number AND b.expense_id <> a.expense_id
     AND (a.issuer = b.issuer OR a.issuer IS NULL OR b.issuer IS NULL)
    WHERE a.invoice_number IS NOT NULL AND trim(a.invoice_number) <> ''
),
month_count AS (
    SELECT x.expense_id, count(*) AS n
    FROM expenses x
    JOIN expenses o ON o.issuer = x.issuer AND o.claimant_person_id = x.claimant_person_id
     AND date_trunc('month', coalesce(o.spent_on, CAST(o.paid_at AS DATE)))
         = date_trunc('month', coalesce(x.spent_on, CAST(x.paid_at AS DATE)))
    GROUP BY x.expense_id
),
off_meals AS (
    SELECT e.expense_id, e.amount / e.headcount AS per_head
    FROM expenses e
    WHERE e.kind = 'meals' AND e.headcount > 0 AND e.spent_on IS NOT NULL
      AND (EXISTS (SELECT 1 FROM ranges h WHERE e.spent_on BETWEEN h.first_day AND h.last_day)
           OR (isodow(e.spent_on) IN (6, 7) AND NOT EXISTS (SELECT 1 FROM workdays w WHERE w.day = e.spent_on)))
),
proj AS (
    SELECT
        e.project_id,
        sum(e.amount) AS total,
        sum(CASE WHEN s.expense_id IS NOT NULL THEN e.amount ELSE 0 END) / nullif(sum(e.amount), 0) AS self_share,
        count(d.expense_id) AS duplicates,
        max(mc.n) AS same_issuer_month,
        coalesce(max(m.per_head), 0) AS holiday_meal_per_head
    FROM expenses e
    LEFT JOIN self s ON s.expense_id = e.expense_id
    LEFT JOIN dup d ON d.expense_id = e.expense_id
    LEFT JOIN month_count mc ON mc.expense_id = e.expense_id
    LEFT JOIN off_meals m ON m.expense_id = e.expense_id
    GROUP BY e.project_id
)
SELECT
    p.project_id,
    proj.total AS expense_total,
    proj.self_share AS expense_self_approved_share,
    CAST(proj.duplicates AS BIGINT) AS expense_duplicate_invoices,
    CAST(proj.same_issuer_month AS BIGINT) AS expense_same_issuer_month_max,
    proj.holiday_meal_per_head AS expense_holiday_meal_per_head
FROM projects p
LEFT JOIN proj ON proj.project_id = p.project_id
