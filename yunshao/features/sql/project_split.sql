/* ---
entity: project
family: split
requires: [projects]
features:
  - name: budget_below_threshold_gap
    type: float
    zh: 预算低于招标限额幅度
    en: budget gap below the tender threshold
    meaning_zh: （招标限额－预算）÷ 招标限额，仅当预算低于所在领域限额时有值（工程用工程限额，采购用货物限额）。
    meaning_en: >
      (Tender threshold − budget) over the threshold, only when the budget is below the domain's
      threshold (works for construction, goods for procurement); NULL otherwise.
  - name: budget_over_threshold
    type: float
    zh: 预算与招标限额比
    en: budget over the tender threshold
    meaning_zh: 预算除以所在领域的招标限额（工程用工程限额，采购用货物限额）；其他领域为空。
    meaning_en: Budget over the domain's tender threshold (works for construction, goods for procurement); NULL for other domains.
  - name: split_siblings
    type: int
    zh: 疑似拆分同伴项目数
    en: possible split siblings
    meaning_zh: >
      同一单位、同一领域、split_window_days 天内立项、预算都在限额以下 split_band_pct 范围内的其他项目数
      （本项目预算也须在该范围内）。
    meaning_en: >
      Other projects of the same unit and domain approved within split_window_days whose budgets, like
      this one's, are within split_band_pct below the tender threshold.
  - name: split_sum_over_threshold
    type: bool
    zh: 拆分后合计超限额
    en: split siblings sum over threshold
    meaning_zh: 本项目与上述同伴项目的预算合计达到招标限额。
    meaning_en: The budgets of this project and its split siblings add up to the tender threshold or more.
  - name: n_child_projects
    type: int
    zh: 子项目数
    en: child projects
    meaning_zh: 以本项目为上级项目（parent_project_id）的项目数。
    meaning_en: Number of projects whose parent_project_id is this project.
--- */
WITH base AS (
    SELECT
        project_id,
        unit_id,
        domain,
        parent_project_id,
        budget_amount,
        CASE domain
            WHEN 'construction' THEN {{ works_tender_threshold }}
            WHEN 'procurement' THEN {{ goods_tender_threshold }}
        END AS threshold,
        date_diff('day', DATE '2000-01-01', CAST(coalesce(approved_at, CAST(planned_start AS TIMESTAMP)) AS DATE))
            AS day_no
    FROM projects
),
band AS (
    SELECT
        b.*,
        b.budget_amount < b.threshold AND b.budget_amount >= b.threshold * (1 - {{ split_band_pct }}) AS in_band
    FROM base b
),
win AS (
    SELECT
        project_id,
        count(*) OVER w - 1 AS split_siblings,
        sum(budget_amount) OVER w AS band_sum
    FROM band
    WHERE in_band AND day_no IS NOT NULL
    WINDOW w AS (
        PARTITION BY unit_id, domain ORDER BY day_no
        RANGE BETWEEN {{ split_window_days }} PRECEDING AND {{ split_window_days }} FOLLOWING
    )
),
children AS (
    SELECT parent_project_id AS project_id, count(*) AS n_child_projects
    FROM projects
    WHERE parent_project_id IS NOT NULL
    GROUP BY parent_project_id
)
SELECT
    b.project_id,
    CASE WHEN b.budget_amount < b.threshold THEN (b.threshold - b.budget_amount) / b.threshold END
        AS budget_below_threshold_gap,
    b.budget_amount / b.threshold AS budget_over_threshold,
    coalesce(w.split_siblings, 0) AS split_siblings,
    coalesce(w.split_siblings > 0 AND w.band_sum >= b.threshold, FALSE) AS split_sum_over_threshold,
    coalesce(c.n_child_projects, 0) AS n_child_projects
FROM band b
LEFT JOIN win w ON w.project_id = b.project_id
LEFT JOIN children c ON c.project_id = b.project_id
