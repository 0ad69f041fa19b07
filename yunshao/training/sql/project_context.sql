/* ---
name: project_context
purpose: the project facts the scorer needs beside its features (domain, emergency works)
reads: [projects]
--- */
SELECT
    project_id,
    domain,
    COALESCE(lower(category) LIKE '%emergency%' OR category LIKE '%抢险%', FALSE) AS is_emergency
FROM projects
ORDER BY project_id  -- the frame's row order decides the folds: never DuckDB's physical order
