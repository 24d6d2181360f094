// Counts the dam areas (坝区) of a division: every dam area that lies in one of its towns (PART_OF),
// and how many of them hold at least one base. A village scope has none (dam areas lie in towns).
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: dam_areas (int), dam_areas_with_bases (int)
// example: scope="520628"
MATCH (d:DamArea)-[:PART_OF]->(t:Town)
WHERE t.code STARTS WITH $scope
WITH count(DISTINCT d) AS dam_areas
OPTIONAL MATCH (d:DamArea)-[:PART_OF]->(t:Town)
WHERE t.code STARTS WITH $scope AND EXISTS { MATCH (d)<-[:LOCATED_IN]-(:Base) }
RETURN dam_areas, count(DISTINCT d) AS dam_areas_with_bases
