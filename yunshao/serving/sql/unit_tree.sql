/* ---
purpose: the unit tree (parent and region of each unit), which resolves a key's scope and the superior a case escalates to
--- */
SELECT unit_id, parent_unit_id, region FROM units ORDER BY unit_id
