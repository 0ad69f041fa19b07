/* ---
entity: project
family: trail
requires: [projects, approvals]
features:
  - name: n_events
    type: int
    zh: 轨迹事件数
    en: trail events
    meaning_zh: 该项目审批轨迹中的事件总数。
    meaning_en: Number of events in the project's approval trail.
  - name: n_approvals
    type: int
    zh: 审批通过数
    en: approvals
    meaning_zh: 动作为"审批通过"（approve）的事件数。
    meaning_en: Number of events whose action is approve.
  - name: n_returns
    type: int
    zh: 退回驳回数
    en: returns and rejections
    meaning_zh: 动作为退回（return）或驳回（reject）的事件数。
    meaning_en: Number of events whose action is return or reject.
  - name: trail_days
    type: float
    zh: 轨迹跨度天数
    en: trail span in days
    meaning_zh: 首个事件到最后一个事件之间的天数。
    meaning_en: Days from the first to the last event of the trail.
  - name: night_approvals
    type: int
    zh: 夜间审批数
    en: night approvals
    meaning_zh: 在夜间（night_start_hour 点至次日 night_end_hour 点）完成的审批通过事件数。
    meaning_en: Approve events that happened at night (from night_start_hour to night_end_hour).
  - name: night_approval_share
    type: float
    zh: 夜间审批占比
    en: night approval share
    meaning_zh: 夜间审批通过事件占全部审批通过事件的比例；无审批通过事件时为空。
    meaning_en: Share of approve events at night; NULL when there is no approve event.
  - name: weekend_approval_share
    type: float
    zh: 周末审批占比
    en: weekend approval share
    meaning_zh: 周六、周日完成的审批通过事件占比（未考虑调休）；无审批通过事件时为空。
    meaning_en: Share of approve events on a Saturday or Sunday (make-up working days not considered); NULL when there is none.
  - name: offline_share
    type: float
    zh: 线下办理占比
    en: offline share
    meaning_zh: 渠道为线下（offline）的事件占已知渠道事件的比例；渠道全部未知时为空。
    meaning_en: Share of events with channel offline among events whose channel is known; NULL when none is known.
  - name: distinct_approvers
    type: int
    zh: 审批人数
    en: distinct approvers
    meaning_zh: 在该项目上做过审批通过的不同人数。
    meaning_en: Number of different people who approved something in the project.
--- */
WITH agg AS (
    SELECT
        project_id,
        count(*) AS n_events,
        sum(CASE WHEN action = 'approve' THEN 1 ELSE 0 END) AS n_approvals,
        sum(CASE WHEN action IN ('return', 'reject') THEN 1 ELSE 0 END) AS n_returns,
        date_diff('second', min(occurred_at), max(occurred_at)) / 86400.0 AS trail_days,
        sum(CASE WHEN action = 'approve'
                  AND (hour(occurred_at) >= {{ night_start_hour }} OR hour(occurred_at) < {{ night_end_hour }})
                 THEN 1 ELSE 0 END) AS night_approvals,
        sum(CASE WHEN action = 'approve' AND isodow(occurred_at) >= 6 THEN 1 ELSE 0 END) AS weekend_approvals,
        sum(CASE WHEN channel = 'offline' THEN 1 ELSE 0 END) AS offline_events,
        count(channel) AS channel_events
    FROM approvals
    GROUP BY project_id
),
-- distinct approvers from the (post, project, person) step: far fewer rows than the events
approvers AS (
    SELECT project_id, count(DISTINCT person_id) AS distinct_approvers
    FROM approver_posts
    GROUP BY project_id
)
SELECT
    p.project_id,
    coalesce(a.n_events, 0) AS n_events,
    coalesce(a.n_approvals, 0) AS n_approvals,
    coalesce(a.n_returns, 0) AS n_returns,
    a.trail_days,
    coalesce(a.night_approvals, 0) AS night_approvals,
    a.night_approvals / nullif(a.n_approvals, 0) AS night_approval_share,
    a.weekend_approvals / nullif(a.n_approvals, 0) AS weekend_approval_share,
    a.offline_events / nullif(a.channel_events, 0) AS offline_share,
    coalesce(d.distinct_approvers, 0) AS distinct_approvers
FROM projects p
LEFT JOIN agg a ON a.project_id = p.project_id
LEFT JOIN approvers d ON d.project_id = p.project_id
