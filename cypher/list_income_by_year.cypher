// Village collective income (村级集体经济收入) of a division, year by year: how many villages
// recorded an income that year, their sum, smallest and largest.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: year (int), villages (int), yuan (int: the sum), min_yuan, max_yuan (int)
// example: scope="520628101"
MATCH (v:Village)-[:HAS_INCOME]->(i:CollectiveIncome)
WHERE v.code STARTS WITH $scope
RETURN i.year AS year, count(v) AS villages, sum(i.yuan) AS yuan, min(i.yuan) AS min_yuan,
       max(i.yuan) AS max_yuan
ORDER BY year
