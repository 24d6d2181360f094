// Village collective income (村级集体经济收入) per village and year, for villages in the scope or
// listed in $codes.
// params:
// - $scope: division code prefix (2, 4, 6, 9 or 12 digits; '' for every village); required
// - $codes: list of village codes to include besides the scope; required (may be empty)
// columns: village_code (string), year (int), yuan (int)
MATCH (v:Village)-[:HAS_INCOME]->(i:CollectiveIncome)
WHERE v.code STARTS WITH $scope OR v.code IN $codes
RETURN v.code AS village_code, i.year AS year, i.yuan AS yuan
ORDER BY village_code, year
