/* ---
name: merge_table
purpose: upsert the delta's kept rows into a stored table - a stored key is replaced in place, a new key is appended in the delta's order - so the table reads as a fresh load of base and delta would
reads: [the store's table, the delta's kept rows]
--- */
CREATE OR REPLACE TABLE {store}.{table} AS
SELECT * EXCLUDE (_pos)
FROM (
    SELECT s.*, s.rowid AS _pos
    FROM {store}.{table} s
    WHERE NOT EXISTS (SELECT 1 FROM {delta}.{table} d WHERE {match})
    UNION ALL BY NAME
    SELECT d.*, COALESCE(s.rowid, e._end + d.rowid) AS _pos
    FROM {delta}.{table} d
    LEFT JOIN {store}.{table} s ON {match}
    CROSS JOIN (SELECT COALESCE(max(rowid), -1) + 1 AS _end FROM {store}.{table}) e
)
ORDER BY _pos
