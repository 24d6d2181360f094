// The villages of a scope with their town and their collective income (村级集体经济收入) total of
// each year the ledger table village_income records: one row per village and year, and one row
// with a null year for a village without any recorded income.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: village_code, village_name, town_code, town_name (strings), year (int or null),
//   yuan (int or null: the recorded total)
// example: scope="520628101"
MATCH (v:Village)-[:PART_OF]->(t:Town)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (v)-[:HAS_INCOME]->(i:CollectiveIncome)
RETURN v.code AS village_code, v.name AS village_name, t.code AS town_code, t.name AS town_name,
       i.year AS year, i.yuan AS yuan
ORDER BY village_code, year
