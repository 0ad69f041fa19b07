/* ---
name: feedback
purpose: verified outcomes inspectors sent back through the API
reads: [feedback]
--- */
SELECT entity_type, entity_id, outcome, scheme, CAST(decided_at AS TIMESTAMP) AS decided_at, 'feedback' AS source
FROM feedback
