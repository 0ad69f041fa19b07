/* ---
creates: an_warning_facts
meaning_en: >
  One row per warning with its verified outcome, if any. An outcome answers a warning when it names the
  warning itself, the same entity, or the warning's project (a project or tender outcome), and its scheme
  is the warning's scheme or either is blank; the most specific, then the latest, then feedback over a
  label wins. days_to_outcome runs from the last trail event of the project seen before the decision
  (a proxy for when the warning could first be raised; warnings carry no time of their own) to the
  decision. A confirmed warning is rectified (整改, proxy) when the unit's data run past the decision
  month and the same rule never fires again in that unit on a later cohort month.
meaning_zh: 每条预警的核查结论、预警至结论的天数（代理口径）与整改（代理：查实后同单位同规则不再出现）。
--- */
WITH cand AS (
    SELECT w.warning_id, o.outcome, o.weight, o.decided_at, o.priority, 3 AS specificity
    FROM an_warnings w
    JOIN an_outcomes o ON o.warning_id = w.warning_id
    UNION ALL
    SELECT w.warning_id, o.outcome, o.weight, o.decided_at, o.priority, 2 AS specificity
    FROM an_warnings w
    JOIN an_outcome_targets o ON o.entity_type = w.entity_type AND o.entity_id = w.entity_id
    WHERE o.scheme IS NULL OR w.scheme IS NULL OR o.scheme = w.scheme
    UNION ALL
    SELECT w.warning_id, o.outcome, o.weight, o.decided_at, o.priority, 1 AS specificity
    FROM an_warnings w
    JOIN an_outcome_targets o
        ON o.project_id = w.project_id
        AND o.entity_type IN ('project', 'tender')
        AND NOT (o.entity_type = w.entity_type AND o.entity_id = w.entity_id)
    WHERE o.scheme IS NULL OR w.scheme IS NULL OR o.scheme = w.scheme
),
ranked AS (
    SELECT
        cand.*,
        row_number() OVER (
            PARTITION BY warning_id ORDER BY specificity DESC, decided_at DESC NULLS LAST, priority DESC
        ) AS rn
    FROM cand
),
best AS (
    SELECT warning_id, outcome, weight, decided_at FROM ranked WHERE rn = 1
),
seen AS (
    SELECT b.warning_id, max(a.occurred_at) AS seen_at
    FROM best b
    JOIN an_warnings w ON w.warning_id = b.warning_id
    JOIN in_approvals a ON a.project_id = w.project_id AND a.occurred_at <= b.decided_at
    GROUP BY b.warning_id
),
unit_last AS (
    SELECT unit_id, max(month) AS last_month FROM an_project_month GROUP BY unit_id
),
pair_last AS (
    SELECT rule_id, unit_id, max(month) AS last_month FROM an_warnings GROUP BY rule_id, unit_id
),
facts AS (
    SELECT
        w.*,
        b.outcome,
        b.outcome IS NOT NULL AS decided,
        coalesce(b.weight, 0.0) AS confirmed_weight,
        b.decided_at,
        strftime(b.decided_at, '%Y-%m') AS decided_month,
        date_diff('day', coalesce(s.seen_at, pm.first_at), b.decided_at) AS days_to_outcome,
        ul.last_month AS unit_last_month,
        pl.last_month AS pair_last_month
    FROM an_warnings w
    LEFT JOIN best b ON b.warning_id = w.warning_id
    LEFT JOIN seen s ON s.warning_id = w.warning_id
    LEFT JOIN an_project_month pm ON pm.project_id = w.project_id
    LEFT JOIN unit_last ul ON ul.unit_id = w.unit_id
    LEFT JOIN pair_last pl ON pl.rule_id = w.rule_id AND pl.unit_id = w.unit_id
)
SELECT
    f.*,
    CASE
        WHEN f.confirmed_weight > 0 AND f.decided_month IS NOT NULL AND f.unit_last_month > f.decided_month
        THEN 1 ELSE 0
    END AS rect_observable,
    CASE
        WHEN f.confirmed_weight > 0 AND f.decided_month IS NOT NULL AND f.unit_last_month > f.decided_month
            AND (f.pair_last_month IS NULL OR f.pair_last_month <= f.decided_month)
        THEN 1 ELSE 0
    END AS rectified
FROM facts f
