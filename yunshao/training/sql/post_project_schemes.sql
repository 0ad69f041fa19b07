/* ---
name: post_project_schemes
purpose: the schemes the rules flagged on each project, so a post's projects can be split by scheme side
reads: [warnings]
--- */
SELECT DISTINCT project_id, scheme
FROM warnings
WHERE project_id IS NOT NULL AND scheme IS NOT NULL
