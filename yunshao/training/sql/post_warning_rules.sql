/* ---
name: post_warning_rules
purpose: warnings that name a post directly, counted per post, rule and severity
reads: [warnings]
--- */
SELECT post_id, rule_id, severity, COUNT(*) AS n
FROM warnings
WHERE post_id IS NOT NULL
GROUP BY post_id, rule_id, severity
