// Village collective income (村级集体经济收入) per village and year, for villages in the scope or
// listed in $codes.
// params:
// - $scope: division code prefix or ''; required ('' for every village)
// - $codes: list of division codes; required (village codes to include besides the scope; may be empty)
// columns: village_code (string), year (int), yuan (int)
// example: scope="520628101", codes=[]
MATCH (v:Village)-[:HAS_INCOME]->(i:CollectiveIncome)
WHERE v.code STARTS WITH $scope OR v.code IN $codes
RETURN v.code AS village_code, i.year AS year, i.yuan AS yuan
ORDER BY village_code, year
