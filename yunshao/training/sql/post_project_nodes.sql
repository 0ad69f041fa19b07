/* ---
name: post_project_nodes
purpose: >
  every approval a post gave, with its node and year: the approval's own post when recorded, else the
  post its approver held on the day (assignments by date), so a post's evidence can be weighted by the
  responsibility of the nodes it decided
reads: [approvals, assignments]
--- */
SELECT post_id, project_id, node, year
FROM (
    SELECT a.post_id, a.project_id, a.node, year(CAST(a.occurred_at AS TIMESTAMP)) AS year
    FROM approvals AS a
    WHERE a.post_id IS NOT NULL AND a.action = 'approve'
    UNION ALL
    SELECT s.post_id, a.project_id, a.node, year(CAST(a.occurred_at AS TIMESTAMP)) AS year
    FROM approvals AS a
    JOIN assignments AS s
      ON s.person_id = a.person_id
     AND CAST(a.occurred_at AS DATE) >= s.start_date
     AND (s.end_date IS NULL OR CAST(a.occurred_at AS DATE) <= s.end_date)
    WHERE a.post_id IS NULL AND a.action = 'approve'
) AS links
