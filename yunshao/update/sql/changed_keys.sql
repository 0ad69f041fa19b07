/* ---
name: changed_keys
purpose: the keys whose rows differ between a table before and after the update (added, removed or changed in any column)
reads: [the table after, its snapshot before]
--- */
SELECT DISTINCT CAST({key} AS VARCHAR) AS k
FROM (
    (SELECT {cols} FROM {new} EXCEPT SELECT {cols} FROM {old})
    UNION ALL
    (SELECT {cols} FROM {old} EXCEPT SELECT {cols} FROM {new})
)
WHERE {key} IS NOT NULL
