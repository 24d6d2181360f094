// Counts the dam areas that hold at least one base located in a division.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: dam_areas_with_bases (int)
// example: scope="520628"
MATCH (v:Village)<-[:LOCATED_IN]-(:Base)-[:LOCATED_IN]->(d:DamArea)
WHERE v.code STARTS WITH $scope
RETURN count(DISTINCT d) AS dam_areas_with_bases
