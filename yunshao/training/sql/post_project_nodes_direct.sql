/* ---
name: post_project_nodes_direct
purpose: >
  every approval a post gave, with its node and year, from the post recorded on the approval event
  itself (when the dataset has no assignments table)
reads: [approvals]
--- */
SELECT post_id, project_id, node, year(CAST(occurred_at AS TIMESTAMP)) AS year
FROM approvals
WHERE post_id IS NOT NULL AND action = 'approve'
