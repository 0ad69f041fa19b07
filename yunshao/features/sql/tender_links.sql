/* ---
entity: tender
family: links
requires: [tenders, bids]
features:
  - name: bidders_sharing_ip
    type: int
    zh: 同IP投标人数
    en: bidders sharing an IP
    meaning_zh: 与另一投标人使用相同IP地址的投标人数。园区企业共用出口IP属常见情形，需结合硬件特征看。
    meaning_en: >
      Bidders that used the same IP address as another bidder. Firms in an industrial park often share
      an outgoing IP legitimately; read together with the hardware features.
  - name: bidders_sharing_ip_and_hw
    type: int
    zh: 同IP且同机投标人数
    en: bidders sharing IP and machine
    meaning_zh: 与另一投标人IP相同，且MAC地址或机器码也相同的投标人数：同一台电脑投多家标。
    meaning_en: Bidders sharing the IP address and also the MAC address or device id with another bidder (one machine, several bidders).
  - name: bidders_sharing_hw
    type: int
    zh: 同机投标人数
    en: bidders sharing a machine
    meaning_zh: 与另一投标人MAC地址或机器码相同的投标人数（不论IP）。
    meaning_en: Bidders sharing the MAC address or the device id with another bidder, whatever the IP.
  - name: bidders_sharing_doc_hash
    type: int
    zh: 标书文件雷同投标人数
    en: bidders sharing a document hash
    meaning_zh: 与另一投标人标书文件哈希相同的投标人数。
    meaning_en: Bidders whose bid document hash equals another bidder's.
  - name: bidders_sharing_doc_author
    type: int
    zh: 标书作者相同投标人数
    en: bidders sharing a document author
    meaning_zh: 与另一投标人标书文件作者（制作人）相同的投标人数。
    meaning_en: Bidders whose bid document author equals another bidder's.
  - name: bidders_sharing_bond
    type: int
    zh: 保证金同账户投标人数
    en: bidders sharing a bond account
    meaning_zh: 与另一投标人从同一账户缴纳投标保证金的投标人数。
    meaning_en: Bidders whose bid bond was paid from the same account as another bidder's.
  - name: linked_bidder_pairs
    type: int
    zh: 强关联投标人对数
    en: strongly linked bidder pairs
    meaning_zh: 同机（MAC或机器码）、同标书哈希或同保证金账户的投标人对数（仅同IP不计）。
    meaning_en: Pairs of bidders sharing a machine, a document hash or a bond account (a shared IP alone does not count).
  - name: winner_linked
    type: bool
    zh: 中标人存在强关联
    en: winner strongly linked
    meaning_zh: 中标人与另一投标人同机、同标书哈希或同保证金账户；无中标人时为空。
    meaning_en: The winner shares a machine, a document hash or a bond account with another bidder; NULL without a winner.
--- */
-- Every two bidders of a tender are compared once (a tender has a handful of bids; one pass over the
-- pairs is cheaper than one join per attribute); a company that bid twice is merged by the GROUP BY.
WITH b AS (
    SELECT
        tender_id,
        company_id,
        nullif(trim(ip_address), '') AS ip,
        nullif(upper(replace(replace(trim(mac_address), '-', ':'), '.', ':')), '') AS mac,
        nullif(trim(device_id), '') AS device,
        nullif(trim(doc_author), '') AS author,
        nullif(trim(doc_hash), '') AS doc_hash,
        nullif(trim(deposit_account), '') AS bond
    FROM bids
    WHERE coalesce(status, 'valid') <> 'withdrawn'
),
linked AS (
    SELECT
        x.tender_id,
        x.company_id AS c1,
        y.company_id AS c2,
        max(CASE WHEN x.ip = y.ip THEN 1 ELSE 0 END) = 1 AS same_ip,
        max(CASE WHEN x.mac = y.mac OR x.device = y.device THEN 1 ELSE 0 END) = 1 AS same_hw,
        max(CASE WHEN x.doc_hash = y.doc_hash THEN 1 ELSE 0 END) = 1 AS same_hash,
        max(CASE WHEN x.author = y.author THEN 1 ELSE 0 END) = 1 AS same_author,
        max(CASE WHEN x.bond = y.bond THEN 1 ELSE 0 END) = 1 AS same_bond
    FROM b x
    JOIN b y ON x.tender_id = y.tender_id AND x.company_id < y.company_id
    WHERE x.ip = y.ip OR x.mac = y.mac OR x.device = y.device OR x.doc_hash = y.doc_hash
        OR x.author = y.author OR x.bond = y.bond
    GROUP BY x.tender_id, x.company_id, y.company_id
),
sides AS (
    SELECT tender_id, c1 AS company_id, same_ip, same_hw, same_hash, same_author, same_bond FROM linked
    UNION ALL
    SELECT tender_id, c2 AS company_id, same_ip, same_hw, same_hash, same_author, same_bond FROM linked
),
agg AS (
    SELECT
        tender_id,
        count(DISTINCT CASE WHEN same_ip THEN company_id END) AS bidders_sharing_ip,
        count(DISTINCT CASE WHEN same_ip AND same_hw THEN company_id END) AS bidders_sharing_ip_and_hw,
        count(DISTINCT CASE WHEN same_hw THEN company_id END) AS bidders_sharing_hw,
        count(DISTINCT CASE WHEN same_hash THEN company_id END) AS bidders_sharing_doc_hash,
        count(DISTINCT CASE WHEN same_author THEN company_id END) AS bidders_sharing_doc_author,
        count(DISTINCT CASE WHEN same_bond THEN company_id END) AS bidders_sharing_bond
    FROM sides
    GROUP BY tender_id
),
pair_agg AS (
    SELECT
        l.tender_id,
        count(*) AS linked_bidder_pairs,
        max(CASE WHEN t.winner_company_id IN (l.c1, l.c2) THEN 1 ELSE 0 END) AS winner_in_pair
    FROM linked l
    JOIN tenders t ON t.tender_id = l.tender_id
    WHERE l.same_hw OR l.same_hash OR l.same_bond
    GROUP BY l.tender_id
)
SELECT
    t.tender_id,
    coalesce(a.bidders_sharing_ip, 0) AS bidders_sharing_ip,
    coalesce(a.bidders_sharing_ip_and_hw, 0) AS bidders_sharing_ip_and_hw,
    coalesce(a.bidders_sharing_hw, 0) AS bidders_sharing_hw,
    coalesce(a.bidders_sharing_doc_hash, 0) AS bidders_sharing_doc_hash,
    coalesce(a.bidders_sharing_doc_author, 0) AS bidders_sharing_doc_author,
    coalesce(a.bidders_sharing_bond, 0) AS bidders_sharing_bond,
    coalesce(pa.linked_bidder_pairs, 0) AS linked_bidder_pairs,
    CASE WHEN t.winner_company_id IS NOT NULL THEN coalesce(pa.winner_in_pair = 1, FALSE) END AS winner_linked
FROM tenders t
LEFT JOIN agg a ON a.tender_id = t.tender_id
LEFT JOIN pair_agg pa ON pa.tender_id = t.tender_id
