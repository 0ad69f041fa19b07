/* ---
entity: tender
family: documents
requires: [bid_documents, tenders]
features:
  - name: doc_max_score
    type: float
    zh: 投标文件最高相似度
    en: highest bid-file similarity
    meaning_zh: 该招标各投标人文件两两比对（去除招标文件内容后）的最高综合相似度（0–1），无投标文件时为空。
    meaning_en: The highest combined similarity (0–1) of any two bidders' files of the tender once the tender documents' text is removed; NULL without bid files.
  - name: doc_max_containment
    type: float
    zh: 投标文件最高包含度
    en: highest bid-file containment
    meaning_zh: 两份投标文件共有的字符片段占较短文件的比例的最大值。
    meaning_en: The largest share of the shorter file's shingles found in another bidder's file.
  - name: doc_longest_passage
    type: int
    zh: 最长共同段落字数
    en: longest shared passage
    meaning_zh: 两家投标人文件独有（招标文件中没有）的最长共同段落的字数。
    meaning_en: Characters of the longest passage two bidders' files share that the tender documents do not hold.
  - name: doc_rare_tokens
    type: int
    zh: 共同罕见写法数
    en: shared rare spellings
    meaning_zh: 只出现在两家投标人文件中的罕见写法（相同的错别字、错误数字）个数之和。
    meaning_en: Rare spellings (the same typo, the same wrong figure) found only in two bidders' files, summed over pairs.
  - name: doc_meta_links
    type: int
    zh: 文件属性相同的投标人对数
    en: bidder pairs with a shared file property
    meaning_zh: 作者、最后修改人、单位或模板相同（排除软件默认值和招标文件本身的值）的投标人对数。
    meaning_en: Bidder pairs whose files share an author, last editor, company or template (office defaults and the tender documents' own values excluded).
  - name: doc_mixups
    type: int
    zh: 文件混装处数
    en: mixed-up mentions
    meaning_zh: 投标文件中出现其他投标人名称的处数。
    meaning_en: Places where a bidder's file names another bidder.
  - name: doc_shared_people
    type: int
    zh: 文件中共同人员数
    en: people named in two bidders' files
    meaning_zh: 一家投标人申报的人员出现在另一家投标人文件中的人次。
    meaning_en: Times a person declared by one bidder is named in another bidder's files.
--- */
WITH pairs AS (
    SELECT
        tender_id,
        max(score) AS doc_max_score,
        max(containment) AS doc_max_containment,
        max(longest_passage) AS doc_longest_passage,
        sum(array_length(rare_tokens)) AS doc_rare_tokens
    FROM doc_pairs
    GROUP BY tender_id
), links AS (
    SELECT tender_id, count(DISTINCT (bid_a, bid_b)) AS doc_meta_links FROM doc_meta_links GROUP BY tender_id
), mixes AS (
    SELECT tender_id, count(*) AS doc_mixups FROM doc_mixups GROUP BY tender_id
), people AS (
    SELECT tender_id, count(*) AS doc_shared_people FROM doc_shared_people GROUP BY tender_id
), read AS (
    SELECT DISTINCT tender_id FROM doc_files
)
SELECT
    t.tender_id,
    coalesce(p.doc_max_score, 0.0) AS doc_max_score,
    coalesce(p.doc_max_containment, 0.0) AS doc_max_containment,
    CAST(coalesce(p.doc_longest_passage, 0) AS BIGINT) AS doc_longest_passage,
    CAST(coalesce(p.doc_rare_tokens, 0) AS BIGINT) AS doc_rare_tokens,
    CAST(coalesce(l.doc_meta_links, 0) AS BIGINT) AS doc_meta_links,
    CAST(coalesce(m.doc_mixups, 0) AS BIGINT) AS doc_mixups,
    CAST(coalesce(s.doc_shared_people, 0) AS BIGINT) AS doc_shared_people
FROM tenders t
JOIN read r ON r.tender_id = t.tender_id
LEFT JOIN pairs p ON p.tender_id = t.tender_id
LEFT JOIN links l ON l.tender_id = t.tender_id
LEFT JOIN mixes m ON m.tender_id = t.tender_id
LEFT JOIN people s ON s.tender_id = t.tender_id
