/* ---
purpose: who held a post and when
params: [post_id]
--- */
SELECT a.person_id, pe.name AS person_name, pe.id_hash AS person_id_hash, a.start_date, a.end_date
FROM assignments a
LEFT JOIN people pe ON pe.person_id = a.person_id
WHERE a.post_id = $post_id
ORDER BY a.start_date
