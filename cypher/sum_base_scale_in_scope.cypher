// Sums the bases located in a division per unit (mu planted, fungus sticks, poultry birds,
// livestock head): what stands at them (scale), what is planned (planned_scale, 规划) and what they
// put out a year (annual_output, 年出栏), with the number of bases, of bases with a planned and a
// yearly figure, and of dam areas holding them.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: unit (string), bases (int), scale (float), planned_bases (int: bases with a planned_scale),
//   planned (float: null when no base has one), output_bases (int: bases with an annual_output),
//   annual_output (float: null when no base has one), dam_areas (int: distinct dam areas with at
//   least one of these bases)
// example: scope="520628"
MATCH (b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (b)-[:LOCATED_IN]->(d:DamArea)
RETURN b.unit AS unit, count(DISTINCT b) AS bases, sum(b.scale) AS scale,
       count(DISTINCT CASE WHEN b.planned_scale IS NOT NULL THEN b.id END) AS planned_bases,
       CASE WHEN count(b.planned_scale) = 0 THEN null ELSE sum(b.planned_scale) END AS planned,
       count(DISTINCT CASE WHEN b.annual_output IS NOT NULL THEN b.id END) AS output_bases,
       CASE WHEN count(b.annual_output) = 0 THEN null ELSE sum(b.annual_output) END AS annual_output,
       count(DISTINCT d) AS dam_areas
ORDER BY unit
