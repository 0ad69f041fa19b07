/* ---
entity: tender
family: screens
requires: [tenders, bids]
features:
  - name: bid_cv
    type: float
    zh: 报价变异系数
    en: bid price coefficient of variation
    meaning_zh: 有效报价的标准差除以均值（CV）；围标时报价往往异常集中，CV偏低。
    meaning_en: Standard deviation over mean of the valid bid prices; collusive bids tend to be unusually close (low CV).
  - name: bid_spread
    type: float
    zh: 报价极差比
    en: bid price spread
    meaning_zh: 最高与最低有效报价之差除以最低报价。
    meaning_en: Highest minus lowest valid price, over the lowest.
  - name: bid_diffp
    type: float
    zh: 最低两价差
    en: gap between the two lowest bids
    meaning_zh: 第二低与最低有效报价之差除以最低报价。
    meaning_en: Second-lowest minus lowest valid price, over the lowest.
  - name: bid_rd
    type: float
    zh: 最低两价相对距离
    en: relative distance of the two lowest bids
    meaning_zh: 最低两价之差除以落选报价的标准差（RD）；远大于1说明中标价与"陪标"报价明显分离。
    meaning_en: >
      Gap between the two lowest prices over the standard deviation of the losing prices (RD); well above 1
      means the lowest bid stands apart from cover bids.
  - name: bid_kurtosis
    type: float
    zh: 报价峰度
    en: bid price kurtosis
    meaning_zh: 有效报价分布的峰度。
    meaning_en: Kurtosis of the valid bid prices.
  - name: bid_skewness
    type: float
    zh: 报价偏度
    en: bid price skewness
    meaning_zh: 有效报价分布的偏度。
    meaning_en: Skewness of the valid bid prices.
  - name: bid_ks
    type: float
    zh: 报价KS统计量
    en: bid price KS statistic
    meaning_zh: 有效报价与最低价至最高价之间均匀分布比较的Kolmogorov-Smirnov统计量（由 OCDS 筛查查询计算；至少3家）。
    meaning_en: >
      Kolmogorov-Smirnov statistic of the valid prices against the uniform distribution between the lowest
      and the highest (computed by the OCDS screens query; three bids or more).
--- */
SELECT
    t.tender_id,
    s.cv AS bid_cv,
    s.spread AS bid_spread,
    s.diffp AS bid_diffp,
    s.rd AS bid_rd,
    s.kurtosis AS bid_kurtosis,
    s.skewness AS bid_skewness,
    s.ks AS bid_ks
FROM tenders t
LEFT JOIN tender_screens s ON s.tender_id = t.tender_id
