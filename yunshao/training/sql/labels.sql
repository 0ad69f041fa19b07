/* ---
name: labels
purpose: verified outcomes handed over with the dataset
reads: [labels]
--- */
SELECT entity_type, entity_id, outcome, scheme, CAST(decided_at AS TIMESTAMP) AS decided_at, 'labels' AS source
FROM labels
