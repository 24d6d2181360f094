// Sums the scale of the bases located in a division, per unit (mu planted, fungus sticks,
// poultry birds, livestock head), with the number of bases and of dam areas holding them.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: unit (string), bases (int), scale (float), dam_areas (int: distinct dam areas
//   with at least one of these bases)
// example: scope="520628"
MATCH (b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (b)-[:LOCATED_IN]->(d:DamArea)
RETURN b.unit AS unit, count(DISTINCT b) AS bases, sum(b.scale) AS scale, count(DISTINCT d) AS dam_areas
ORDER BY unit
