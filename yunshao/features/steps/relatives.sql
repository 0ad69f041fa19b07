/* ---
entity: project
family: people
optional: [relations]
meaning_en: >
  Pairs of relatives of the kinds in relative_kinds, in both directions (person, relative), so a join
  finds a relation whichever side it was recorded from. Empty when the relations table is absent.
meaning_zh: 亲属关系对（relative_kinds 所列类型），双向各一行，便于从任一方关联；无 relations 表时为空。
--- */
SELECT person_id_a AS person_id, person_id_b AS relative_id
FROM relations
WHERE position(',' || kind || ',' IN ',' || {{ relative_kinds }} || ',') > 0
UNION
SELECT person_id_b, person_id_a
FROM relations
WHERE position(',' || kind || ',' IN ',' || {{ relative_kinds }} || ',') > 0
