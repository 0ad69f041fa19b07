/* ---
creates: an_outcomes
meaning_en: >
  Verified outcomes from the dataset's labels (核查结论) and the inspectors' feedback, one row each, with the
  weight an outcome counts as confirmed (confirmed 1, partial = partial_confirmed_weight, unfounded 0). Feedback
  ranks above a label decided at the same time. warning_id names the warning a feedback row answers
  (the API's feedback carries it beside the entity; an entity_type 'warning' row names it as entity). Feedback rows with another outcome or entity type are left
  out and counted in the report's notes (inputs.feedback_problems).
meaning_zh: 核查结论与核查反馈合并，每条一行；确认权重：属实 1、部分属实 partial_confirmed_weight、不属实 0。
--- */
SELECT
    src.source,
    src.entity_type,
    src.entity_id,
    coalesce(src.warning_id, CASE WHEN src.entity_type = 'warning' THEN src.entity_id END) AS warning_id,
    src.outcome,
    src.scheme,
    src.decided_at,
    CASE src.outcome
        WHEN 'confirmed' THEN 1.0
        WHEN 'partial' THEN {{ partial_confirmed_weight }}
        ELSE 0.0
    END AS weight,
    src.priority
FROM (
    SELECT
        'label' AS source, entity_type, entity_id, CAST(NULL AS VARCHAR) AS warning_id, outcome, scheme,
        decided_at, 0 AS priority
    FROM in_labels
    UNION ALL
    SELECT 'feedback' AS source, entity_type, entity_id, warning_id, outcome, scheme, decided_at, 1 AS priority
    FROM in_feedback
) src
WHERE src.entity_id IS NOT NULL
    AND src.outcome IN ('confirmed', 'partial', 'unfounded')
    AND src.entity_type IN ('project', 'post', 'tender', 'warning')
