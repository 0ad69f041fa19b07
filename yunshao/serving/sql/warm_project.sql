/* ---
purpose: a project to warm the scoring engine with (the one with the longest trail)
--- */
SELECT project_id FROM approvals GROUP BY project_id ORDER BY count(*) DESC, project_id LIMIT 1
