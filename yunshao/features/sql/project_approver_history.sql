/* ---
entity: project
family: context
requires: [projects, approvals]
optional: [labels]
features:
  - name: approver_prior_projects_max
    type: int
    zh: 审批人既往审批项目数（最大）
    en: approvers' prior projects (max)
    meaning_zh: >
      对本项目做过审批通过的每个人，统计其在本项目起始时间之前已审批通过过的其他项目数（以其在该项目上首次审批通过的时间计），
      取各审批人中的最大值；无审批人时为空。
    meaning_en: >
      For each person who approved something in the project: the other projects they had approved before
      this project's start (timed by their first approval in each), the largest over the approvers; NULL
      without approvers.
  - name: approver_prior_projects_mean
    type: float
    zh: 审批人既往审批项目数（平均）
    en: approvers' prior projects (mean)
    meaning_zh: 上项在各审批人之间的平均值。
    meaning_en: The count above averaged over the project's approvers.
  - name: approver_prior_same_unit_max
    type: int
    zh: 审批人既往同单位项目数（最大）
    en: approvers' prior projects of the same unit (max)
    meaning_zh: 各审批人在本项目起始前审批过的、与本项目同一建设（主管）单位的项目数，取最大值。
    meaning_en: Prior projects of the same unit as this one that each approver had approved before its start, the largest over the approvers.
  - name: approver_winner_prior_max
    type: int
    zh: 审批人既往审批同一中标人项目数（最大）
    en: approvers' prior projects won by this winner (max)
    meaning_zh: >
      对每个（审批人，本项目中标人）组合：该审批人在本项目起始前审批过、且由同一企业在起始前中标（或签主合同）的项目数，取最大值；
      无中标人或无审批人时为空。
    meaning_en: >
      For each pair of an approver and a winner of this project: projects the approver had approved and the
      same company had won (tender or main contract) before this project's start; the largest over the
      pairs; NULL without a winner or an approver.
  - name: approver_winner_share_max
    type: float
    zh: 审批人既往项目中同一中标人占比（最大）
    en: share of approvers' prior projects won by this winner (max)
    meaning_zh: 上项除以该审批人的既往审批项目数，取最大值；审批人无既往项目时不计。反映审批人对特定企业的偏向。
    meaning_en: >
      The count above over that approver's prior projects, the largest over the pairs (pairs whose approver
      has no prior project are left out): favouritism of an approver towards this company.
  - name: approver_prior_confirmed_max
    type: int
    zh: 审批人既往项目查实数（最大）
    en: approvers' prior confirmed projects (max)
    meaning_zh: >
      各审批人在本项目起始前审批过、且在起始前已核查认定为属实或部分属实（confirmed/partial）的项目数，取最大值；
      未提供核查结论表时为0。本项目自身的结论从不计入。
    meaning_en: >
      Prior projects each approver had approved whose verified outcome (confirmed or partial) was decided
      before this project's start, the largest over the approvers; 0 when no labels are given. The
      project's own label is never counted.
  - name: approver_prior_confirmed_rate
    type: float
    zh: 审批人既往项目查实率
    en: approvers' prior confirmed rate
    meaning_zh: 各审批人上述查实项目数之和除以既往审批项目数之和（一个项目由两名审批人审批则计两次）；无既往项目时为空，未提供核查结论表时为0。
    meaning_en: >
      The approvers' prior confirmed projects summed, over their prior projects summed (a project approved
      by two of them counts twice); NULL when they have no prior project, 0 when no labels are given.
--- */
-- As-of counts without a pairwise join over history: each approver's history rows (kind 1) and one query
-- row per approver of each project (kind 0, at the project's start) form one stream per person. Ordered
-- by time, queries before history rows of the same instant, a running sum at a query row counts exactly
-- the history strictly before the start. A project's own approvals come at or after its start, so it is
-- never part of its own history.
WITH approved AS (
    SELECT person_id, project_id, min(first_at) AS approved_at
    FROM approver_posts
    WHERE person_id IS NOT NULL
    GROUP BY person_id, project_id
),
positive AS (
    SELECT entity_id AS project_id, min(decided_at) AS decided_at
    FROM labels
    WHERE entity_type = 'project' AND outcome IN ('confirmed', 'partial') AND decided_at IS NOT NULL
    GROUP BY entity_id
),
person_stream AS (
    SELECT a.person_id, s.unit_id, a.approved_at AS t, 1 AS kind, 1 AS n_prior, 0 AS n_positive,
           CAST(NULL AS VARCHAR) AS project_id
    FROM approved a
    JOIN project_start s ON s.project_id = a.project_id
    UNION ALL
    -- a prior project counts as confirmed from when both the approval and the decision were known
    SELECT a.person_id, CAST(NULL AS VARCHAR) AS unit_id, greatest(a.approved_at, l.decided_at) AS t, 1 AS kind,
           0 AS n_prior, 1 AS n_positive, CAST(NULL AS VARCHAR) AS project_id
    FROM approved a
    JOIN positive l ON l.project_id = a.project_id
    UNION ALL
    SELECT a.person_id, s.unit_id, s.start_at AS t, 0 AS kind, 0 AS n_prior, 0 AS n_positive, a.project_id
    FROM approved a
    JOIN project_start s ON s.project_id = a.project_id
    WHERE s.start_at IS NOT NULL
),
person_running AS (
    SELECT
        person_id,
        project_id,
        kind,
        sum(n_prior) OVER (PARTITION BY person_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            AS prior_projects,
        sum(n_positive) OVER (PARTITION BY person_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            AS prior_positive,
        sum(n_prior) OVER (
            PARTITION BY person_id, unit_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS prior_same_unit
    FROM person_stream
),
person_hist AS (
    SELECT person_id, project_id, prior_projects, prior_positive, prior_same_unit
    FROM person_running
    WHERE kind = 0
),
-- the same per (approver, company): a prior project counts once both its approval and its win were known
winner_stream AS (
    SELECT a.person_id, w.company_id, greatest(a.approved_at, w.won_at) AS t, 1 AS kind, 1 AS n,
           CAST(NULL AS VARCHAR) AS project_id
    FROM approved a
    JOIN project_winners w ON w.project_id = a.project_id
    WHERE w.won_at IS NOT NULL
    UNION ALL
    SELECT a.person_id, w.company_id, s.start_at AS t, 0 AS kind, 0 AS n, a.project_id
    FROM approved a
    JOIN project_winners w ON w.project_id = a.project_id
    JOIN project_start s ON s.project_id = a.project_id
    WHERE s.start_at IS NOT NULL
),
winner_running AS (
    SELECT
        person_id,
        project_id,
        kind,
        sum(n) OVER (
            PARTITION BY person_id, company_id ORDER BY t, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS prior_with_winner
    FROM winner_stream
),
winner_agg AS (
    SELECT
        r.project_id,
        max(r.prior_with_winner) AS approver_winner_prior_max,
        max(CAST(r.prior_with_winner AS DOUBLE) / nullif(h.prior_projects, 0)) AS approver_winner_share_max
    FROM winner_running r
    JOIN person_hist h ON h.person_id = r.person_id AND h.project_id = r.project_id
    WHERE r.kind = 0
    GROUP BY r.project_id
),
person_agg AS (
    SELECT
        project_id,
        max(prior_projects) AS approver_prior_projects_max,
        avg(prior_projects) AS approver_prior_projects_mean,
        max(prior_same_unit) AS approver_prior_same_unit_max,
        max(prior_positive) AS approver_prior_confirmed_max,
        CAST(sum(prior_positive) AS DOUBLE) / nullif(sum(prior_projects), 0) AS approver_prior_confirmed_rate
    FROM person_hist
    GROUP BY project_id
)
SELECT
    p.project_id,
    a.approver_prior_projects_max,
    a.approver_prior_projects_mean,
    a.approver_prior_same_unit_max,
    w.approver_winner_prior_max,
    w.approver_winner_share_max,
    a.approver_prior_confirmed_max,
    a.approver_prior_confirmed_rate
FROM projects p
LEFT JOIN person_agg a ON a.project_id = p.project_id
LEFT JOIN winner_agg w ON w.project_id = p.project_id
