/* ---
name: post_projects_direct
purpose: projects each post approved, from the post recorded on the approval event itself
reads: [approvals]
--- */
SELECT DISTINCT post_id, project_id
FROM approvals
WHERE post_id IS NOT NULL AND action = 'approve'
