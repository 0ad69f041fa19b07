/* ---
name: post_projects_by_assignment
purpose: >
  projects each post approved: the approval's own post when recorded, else the post its approver held on
  the day of the approval (assignments by date)
reads: [approvals, assignments]
--- */
SELECT DISTINCT post_id, project_id
FROM (
    SELECT a.post_id, a.project_id
    FROM approvals AS a
    WHERE a.post_id IS NOT NULL AND a.action = 'approve'
    UNION ALL
    SELECT s.post_id, a.project_id
    FROM approvals AS a
    JOIN assignments AS s
      ON s.person_id = a.person_id
     AND CAST(a.occurred_at AS DATE) >= s.start_date
     AND (s.end_date IS NULL OR CAST(a.occurred_at AS DATE) <= s.end_date)
    WHERE a.post_id IS NULL AND a.action = 'approve'
) AS links
