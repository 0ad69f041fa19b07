/* ---
purpose: the unit tree (parent, region and name of each unit), which resolves a key's scope, the superior a case escalates to, and the units a case page offers
--- */
SELECT unit_id, parent_unit_id, region, name FROM units ORDER BY unit_id
