/* ---
purpose: peers of a bundle in the store — the latest projects of the same domain and category across the
  county (comparables when a unit has too few, e.g. land prices per m² by category)
params: [bundle_ids, domain_categories, k]
--- */
SELECT project_id FROM (
    SELECT p.project_id, row_number() OVER (
        PARTITION BY p.domain, coalesce(p.category, '') ORDER BY p.approved_at DESC NULLS LAST, p.project_id
    ) AS n
    FROM projects p
    WHERE list_contains($domain_categories, p.domain || '|' || coalesce(p.category, ''))
      AND NOT list_contains($bundle_ids, p.project_id)
)
WHERE n <= $k
