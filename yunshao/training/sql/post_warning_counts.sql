/* ---
name: post_warning_counts
purpose: warnings that name a post directly, counted by severity
reads: [warnings]
--- */
SELECT
    post_id,
    COUNT(*) AS warnings_direct,
    SUM(CASE WHEN severity = 'red' THEN 1 ELSE 0 END) AS warnings_direct_red
FROM warnings
WHERE post_id IS NOT NULL
GROUP BY post_id
