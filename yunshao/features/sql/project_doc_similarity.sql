/* ---
entity: project
family: documents
requires: [bid_documents, tenders]
features:
  - name: doc_max_score
    type: float
    zh: 投标文件最高相似度
    en: highest bid-file similarity
    meaning_zh: 项目各招标中两家投标人文件（去除招标文件内容后）的最高综合相似度（0–1）；项目无投标文件时为空。
    meaning_en: The highest combined similarity (0–1) of two bidders' files in any tender of the project, tender text removed; NULL without bid files.
  - name: doc_longest_passage
    type: int
    zh: 最长共同段落字数
    en: longest shared passage
    meaning_zh: 项目各招标中两家投标人文件独有的最长共同段落字数。
    meaning_en: Characters of the longest passage two bidders' files share, over the project's tenders.
  - name: doc_meta_links
    type: int
    zh: 文件属性相同的投标人对数
    en: bidder pairs with a shared file property
    meaning_zh: 项目各招标中作者、最后修改人、单位或模板相同的投标人对数之和。
    meaning_en: Bidder pairs sharing an author, last editor, company or template, over the project's tenders.
  - name: doc_mixups
    type: int
    zh: 文件混装处数
    en: mixed-up mentions
    meaning_zh: 项目各招标中投标文件出现其他投标人名称的处数之和。
    meaning_en: Places where a bidder's file names another bidder, over the project's tenders.
--- */
SELECT
    t.project_id,
    max(f.doc_max_score) AS doc_max_score,
    CAST(max(f.doc_longest_passage) AS BIGINT) AS doc_longest_passage,
    CAST(sum(f.doc_meta_links) AS BIGINT) AS doc_meta_links,
    CAST(sum(f.doc_mixups) AS BIGINT) AS doc_mixups
FROM feat_tender_doc_similarity f
JOIN tenders t ON t.tender_id = f.tender_id
GROUP BY t.project_id
