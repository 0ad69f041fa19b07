/* ---
name: merged_view
purpose: a contract table as it will read after the merge (stored rows, the delta's kept rows over them), for the delta's reference checks
reads: [the store's table, the delta's kept rows]
--- */
CREATE OR REPLACE VIEW {table} AS
SELECT s.*
FROM {store}.{table} s
WHERE NOT EXISTS (SELECT 1 FROM {delta}.{table} d WHERE {match})
UNION ALL BY NAME
SELECT * FROM {delta}.{table}
