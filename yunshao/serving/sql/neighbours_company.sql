/* ---
purpose: peers of a bundle in the store — every project whose tenders the bundle's bidders also bid in,
  or that names the same key staff (project manager, technical or safety lead) in a bid; pair
  statistics (co-bidding, rotation) and staff overlaps need all of them, not a sample
params: [bundle_ids, companies, persons, cap]
--- */
SELECT project_id FROM (
    SELECT t.project_id, max(t.announced_at) AS last_at
    FROM bids b
    JOIN tenders t ON t.tender_id = b.tender_id
    WHERE (list_contains($companies, b.company_id)
           OR list_contains($persons, b.project_manager_id)
           OR list_contains($persons, b.tech_lead_id)
           OR list_contains($persons, b.safety_lead_id))
      AND NOT list_contains($bundle_ids, t.project_id)
    GROUP BY t.project_id
)
ORDER BY last_at DESC NULLS LAST, project_id
LIMIT $cap
