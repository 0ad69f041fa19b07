/* ---
creates: an_project_month
meaning_en: >
  Each project's unit and cohort month: the month of its approval (立项) time, or of its first trail event
  when the approval time is missing. Warnings and outcomes on a project count in this month, so a monthly
  rate divides warnings by the projects of the same cohort.
meaning_zh: 每个项目的单位与所属月份（立项时间所在月，缺失时取首个审批事件所在月）。
--- */
WITH trail AS (
    SELECT project_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM in_approvals
    GROUP BY project_id
)
SELECT
    p.project_id,
    p.unit_id,
    strftime(coalesce(p.approved_at, t.first_at), '%Y-%m') AS month,
    t.first_at,
    t.last_at
FROM in_projects p
LEFT JOIN trail t ON t.project_id = p.project_id
