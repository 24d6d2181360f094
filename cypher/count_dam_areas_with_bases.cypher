// Counts the dam areas that hold at least one base located in a division.
// params:
// - $scope: division code (county, town or village); required
// columns: dam_areas_with_bases (int)
MATCH (v:Village)<-[:LOCATED_IN]-(:Base)-[:LOCATED_IN]->(d:DamArea)
WHERE v.code STARTS WITH $scope
RETURN count(DISTINCT d) AS dam_areas_with_bases
