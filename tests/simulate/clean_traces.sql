-- Scheme traces that no clean project may carry. Each query counts offending rows; {clean} is a
-- condition "project_id NOT IN (planted projects)" applied to the alias before it.

-- name: shared device
SELECT count(*)
FROM bids a
JOIN bids b ON a.tender_id = b.tender_id AND a.bid_id < b.bid_id AND a.device_id = b.device_id
JOIN tenders t ON t.tender_id = a.tender_id
WHERE t.{clean};

-- name: same doc hash
SELECT count(*)
FROM bids a
JOIN bids b ON a.tender_id = b.tender_id AND a.bid_id < b.bid_id AND a.doc_hash = b.doc_hash
JOIN tenders t ON t.tender_id = a.tender_id
WHERE t.{clean};

-- name: same deposit account
SELECT count(*)
FROM bids a
JOIN bids b ON a.tender_id = b.tender_id AND a.bid_id < b.bid_id AND a.deposit_account = b.deposit_account
JOIN tenders t ON t.tender_id = a.tender_id
WHERE t.{clean};

-- name: shared owner among co-bidders
SELECT count(*)
FROM bids a
JOIN bids b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
JOIN company_people x ON x.company_id = a.company_id AND x.role IN ('legal_rep', 'shareholder')
JOIN company_people y ON y.company_id = b.company_id AND y.role IN ('legal_rep', 'shareholder')
    AND x.person_id = y.person_id
JOIN tenders t ON t.tender_id = a.tender_id
WHERE t.{clean};

-- name: win at ceiling
SELECT count(*) FROM tenders WHERE award_price >= 0.995 * ceiling_price AND {clean};

-- name: self approval
SELECT count(*)
FROM approvals s
JOIN approvals a ON a.project_id = s.project_id AND a.node = s.node
    AND s.action = 'submit' AND a.action = 'approve' AND s.person_id = a.person_id
WHERE s.{clean};

-- name: audit over 110 %
SELECT count(*)
FROM settlements s JOIN contracts c ON c.project_id = s.project_id AND c.kind = 'main'
WHERE s.audited_amount > 1.10 * c.amount AND s.{clean};

-- name: change orders over 15 %
SELECT count(*)
FROM (SELECT project_id, sum(amount) FILTER (kind = 'supplement') / sum(amount) FILTER (kind = 'main') AS r
      FROM contracts GROUP BY 1)
WHERE r > 0.15 AND {clean};

-- name: contract before C04
SELECT count(*)
FROM contracts c
JOIN (SELECT project_id, min(occurred_at) t FROM approvals WHERE node = 'C04' AND action = 'approve' GROUP BY 1) a
    USING (project_id)
WHERE c.signed_at < a.t AND {clean};

-- name: payment before C15
SELECT count(*)
FROM payments c
JOIN (SELECT project_id, min(occurred_at) t FROM approvals WHERE node = 'C15' AND action = 'approve' GROUP BY 1) a
    USING (project_id)
WHERE c.paid_at < a.t AND {clean};

-- name: winning manager insured elsewhere
SELECT count(*)
FROM tenders t JOIN bids b ON b.tender_id = t.tender_id AND b.company_id = t.winner_company_id
WHERE b.project_manager_id IS NOT NULL AND t.{clean}
  AND NOT EXISTS (SELECT 1 FROM social_insurance s
                  WHERE s.person_id = b.project_manager_id AND s.company_id = b.company_id
                    AND s.month = strftime(b.submitted_at, '%Y-%m'));

-- name: winning manager on overlapping projects
WITH w AS (
    SELECT t.project_id, b.project_manager_id AS pm, t.awarded_at AS s, p.planned_end AS e
    FROM tenders t
    JOIN bids b ON b.tender_id = t.tender_id AND b.company_id = t.winner_company_id
    JOIN projects p USING (project_id)
    WHERE b.project_manager_id IS NOT NULL AND t.{clean})
SELECT count(*) FROM w a JOIN w b ON a.pm = b.pm AND a.project_id < b.project_id AND a.s < b.e AND b.s < a.e;

-- name: owner kin of an approver
SELECT count(*)
FROM contracts c
JOIN company_people cp ON cp.company_id = c.company_id AND cp.role IN ('legal_rep', 'shareholder')
JOIN relations r ON cp.person_id IN (r.person_id_a, r.person_id_b) AND r.kind IN ('spouse', 'kin', 'in_law')
JOIN approvals a ON a.project_id = c.project_id AND a.action = 'approve'
    AND a.person_id IN (r.person_id_a, r.person_id_b) AND a.person_id <> cp.person_id
WHERE c.{clean};
