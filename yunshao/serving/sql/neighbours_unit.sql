/* ---
purpose: peers of a bundle in the store — the latest projects of the same unit and domain
params: [bundle_ids, unit_domains, k]
--- */
SELECT project_id FROM (
    SELECT p.project_id, row_number() OVER (
        PARTITION BY p.unit_id, p.domain ORDER BY p.approved_at DESC NULLS LAST, p.project_id
    ) AS n
    FROM projects p
    WHERE list_contains($unit_domains, p.unit_id || '|' || p.domain)
      AND NOT list_contains($bundle_ids, p.project_id)
)
WHERE n <= $k
