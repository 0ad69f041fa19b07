-- Queries of benchmarks/rules_eval.py, one per `-- name:` section, over warnings, planted, lookalikes.

-- name: per_scheme
WITH flagged AS (
    SELECT DISTINCT scheme, project_id, bool_or(severity = 'red') OVER (PARTITION BY scheme, project_id) AS red
    FROM warnings WHERE project_id IS NOT NULL
), truth AS (SELECT DISTINCT scheme, project_id FROM planted),
schemes AS (SELECT scheme FROM truth UNION SELECT scheme FROM flagged)
SELECT
    s.scheme,
    (SELECT count(*) FROM truth t WHERE t.scheme = s.scheme) AS planted,
    (SELECT count(*) FROM flagged f WHERE f.scheme = s.scheme) AS flagged,
    (SELECT count(*) FROM flagged f JOIN truth t USING (scheme, project_id) WHERE f.scheme = s.scheme) AS hit,
    (SELECT count(*) FROM flagged f WHERE f.scheme = s.scheme
        AND f.project_id IN (SELECT project_id FROM truth)) AS hit_any_scheme,
    (SELECT count(*) FROM flagged f WHERE f.scheme = s.scheme AND f.red) AS flagged_red,
    (SELECT count(*) FROM flagged f JOIN truth t USING (scheme, project_id)
        WHERE f.scheme = s.scheme AND f.red) AS hit_red
FROM schemes s ORDER BY s.scheme

-- name: clean_rules
SELECT rule_id, severity, scheme, count(*) AS hits_on_clean, count(DISTINCT project_id) AS clean_projects
FROM warnings
WHERE project_id IS NOT NULL AND project_id NOT IN (SELECT project_id FROM planted)
GROUP BY ALL ORDER BY hits_on_clean DESC, rule_id

-- name: overall
WITH clean AS (SELECT project_id FROM projects WHERE project_id NOT IN (SELECT project_id FROM planted)),
bad AS (SELECT DISTINCT project_id FROM planted)
SELECT
    (SELECT count(*) FROM clean) AS clean_projects,
    (SELECT count(DISTINCT w.project_id) FROM warnings w JOIN clean USING (project_id)) AS clean_flagged,
    (SELECT count(DISTINCT w.project_id) FROM warnings w JOIN clean USING (project_id)
        WHERE w.severity = 'red') AS clean_red,
    (SELECT count(*) FROM bad) AS planted_projects,
    (SELECT count(DISTINCT w.project_id) FROM warnings w JOIN bad USING (project_id)) AS planted_flagged,
    (SELECT count(DISTINCT w.project_id) FROM warnings w JOIN bad USING (project_id)
        WHERE w.severity = 'red') AS planted_red

-- name: lookalikes
SELECT l.kind, count(DISTINCT l.project_id) AS projects,
       count(DISTINCT w.project_id) AS flagged,
       count(DISTINCT w.project_id) FILTER (WHERE w.severity = 'red') AS flagged_red,
       string_agg(DISTINCT w.rule_id, ', ' ORDER BY w.rule_id) AS rules
FROM lookalikes l
LEFT JOIN warnings w ON w.project_id = l.project_id
    AND l.project_id NOT IN (SELECT project_id FROM planted)
GROUP BY l.kind ORDER BY l.kind

-- name: per_rule
SELECT w.rule_id, w.scheme, w.severity, count(*) AS hits,
       count(DISTINCT w.project_id) AS projects,
       count(DISTINCT w.project_id) FILTER (WHERE p.project_id IS NOT NULL) AS on_same_scheme,
       count(DISTINCT w.project_id) FILTER (
           WHERE w.project_id NOT IN (SELECT project_id FROM planted)) AS on_clean
FROM warnings w
LEFT JOIN (SELECT DISTINCT project_id, scheme FROM planted) p
  ON p.project_id = w.project_id AND p.scheme = w.scheme
GROUP BY ALL ORDER BY w.rule_id
