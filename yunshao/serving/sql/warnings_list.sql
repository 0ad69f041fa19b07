/* ---
purpose: warnings of the latest run with their project, unit and score, filtered (q = a project's id or part of its name) and paginated
params: [level, unit, rule, domain, since, units, q, limit, offset]
--- */
WITH last_event AS (
    SELECT project_id, max(occurred_at) AS last_event_at FROM approvals GROUP BY project_id
)
SELECT
    w.warning_id, w.entity_type, w.entity_id, w.rule_id, w.severity, w.evidence, w.guide,
    w.project_id, w.post_id, w.scheme,
    p.name AS project_name, p.domain, p.unit_id, u.name AS unit_name,
    s.risk_score, s.level, e.last_event_at,
    count(*) OVER () AS total
FROM warnings w
LEFT JOIN projects p ON p.project_id = w.project_id
LEFT JOIN units u ON u.unit_id = p.unit_id
LEFT JOIN project_scores s ON s.project_id = w.project_id
LEFT JOIN last_event e ON e.project_id = w.project_id
LEFT JOIN posts po ON po.post_id = w.post_id
WHERE ($level IS NULL OR w.severity = $level)
  AND ($unit IS NULL OR p.unit_id = $unit)
  AND ($rule IS NULL OR w.rule_id = $rule)
  AND ($domain IS NULL OR p.domain = $domain)
  AND ($since IS NULL OR e.last_event_at >= $since)
  AND ($units IS NULL OR list_contains($units, COALESCE(p.unit_id, po.unit_id)))
  AND ($q IS NULL OR lower(w.project_id) = lower($q) OR contains(lower(p.name), lower($q)))
ORDER BY CASE w.severity WHEN 'red' THEN 0 ELSE 1 END, s.risk_score DESC NULLS LAST, w.warning_id
LIMIT $limit OFFSET $offset
