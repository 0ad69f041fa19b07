/* ---
name: tender_projects
purpose: the project each tender belongs to, so an outcome on a tender counts for its project
reads: [tenders]
--- */
SELECT tender_id, project_id FROM tenders
