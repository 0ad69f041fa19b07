/* ---
entity: post
family: activity
requires: [approvals]
optional: [assignments]
meaning_en: >
  Approve events grouped by post, project and approving person: the post is approvals.post_id when
  given, otherwise the post(s) the person held that day according to assignments (NULL when none).
  Counts of approvals, night, weekend and offline ones, first and last time. Read by the post features
  and by the features about approvers of a project. A key may appear twice (once from events with a
  post_id, once from events resolved through assignments): readers sum or count distinct.
meaning_zh: >
  审批通过事件按岗位、项目、审批人汇总：有 approvals.post_id 时取之，否则按任职记录取当日所任岗位（无则为空），
  含审批数、夜间、周末、线下次数及首末时间。
--- */
SELECT
    post_id,
    project_id,
    person_id,
    count(*) AS n_approvals,
    sum(CASE WHEN hour(occurred_at) >= {{ night_start_hour }} OR hour(occurred_at) < {{ night_end_hour }}
             THEN 1 ELSE 0 END) AS n_night,
    sum(CASE WHEN isodow(occurred_at) >= 6 THEN 1 ELSE 0 END) AS n_weekend,
    sum(CASE WHEN channel = 'offline' THEN 1 ELSE 0 END) AS n_offline,
    count(channel) AS n_with_channel,
    min(occurred_at) AS first_at,
    max(occurred_at) AS last_at
FROM approvals
WHERE action = 'approve' AND post_id IS NOT NULL
GROUP BY post_id, project_id, person_id
UNION ALL
SELECT
    s.post_id,
    e.project_id,
    e.person_id,
    count(*) AS n_approvals,
    sum(CASE WHEN hour(e.occurred_at) >= {{ night_start_hour }} OR hour(e.occurred_at) < {{ night_end_hour }}
             THEN 1 ELSE 0 END) AS n_night,
    sum(CASE WHEN isodow(e.occurred_at) >= 6 THEN 1 ELSE 0 END) AS n_weekend,
    sum(CASE WHEN e.channel = 'offline' THEN 1 ELSE 0 END) AS n_offline,
    count(e.channel) AS n_with_channel,
    min(e.occurred_at) AS first_at,
    max(e.occurred_at) AS last_at
FROM approvals e
LEFT JOIN assignments s
    ON s.person_id = e.person_id
    AND CAST(e.occurred_at AS DATE) >= s.start_date
    AND (s.end_date IS NULL OR CAST(e.occurred_at AS DATE) <= s.end_date)
WHERE e.action = 'approve' AND e.post_id IS NULL
GROUP BY s.post_id, e.project_id, e.person_id
