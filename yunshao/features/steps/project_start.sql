/* ---
entity: project
family: context
requires: [projects, approvals]
optional: [tenders, contracts]
meaning_en: >
  One row per project: its unit, domain, category and start, the earliest of approved_at, its first trail
  event, its first tender date and its first contract signing. The context features count only history
  strictly before this start, so nothing of the project itself (its events, bids, wins or label) is ever
  counted in its own history.
meaning_zh: >
  每个项目一行：所属单位、领域、类别及起始时间，即批准时间、首个轨迹事件、首个招标日期、首份合同签订时间中最早者。
  背景特征只计此时间之前的历史，项目自身的事件、投标、中标与核查结论都不会计入。
--- */
WITH first_seen AS (
    SELECT project_id, min(seen_at) AS seen_at
    FROM (
        SELECT project_id, first_at AS seen_at FROM node_times
        UNION ALL
        SELECT project_id, least(announced_at, bid_deadline, opened_at, awarded_at) AS seen_at FROM tenders
        UNION ALL
        SELECT project_id, signed_at AS seen_at FROM contracts
    ) x
    GROUP BY project_id
)
SELECT
    p.project_id,
    p.unit_id,
    p.domain,
    p.category,
    least(p.approved_at, f.seen_at) AS start_at
FROM projects p
LEFT JOIN first_seen f ON f.project_id = p.project_id
