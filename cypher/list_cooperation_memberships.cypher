// Which villages' households meet in which cooperatives and bases: one row per cooperative and
// village whose households JOINED it, and per base and village whose households were
// EMPLOYED_AT it (any year), with the number of distinct households. Households count where
// they LIVE_IN; only households living in the scope are counted (a cooperative elsewhere still
// appears when households of the scope joined it).
// params:
// - $scope: division code prefix or ''; required ('' for every village)
// columns: kind ('cooperative' | 'base'), unit_id, village_code (strings), households (int)
// example: scope="520628"
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
MATCH (h)-[:JOINED]->(c:Cooperative)
RETURN 'cooperative' AS kind, c.id AS unit_id, v.code AS village_code, count(DISTINCT h) AS households
UNION ALL
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
MATCH (h)-[:EMPLOYED_AT]->(b:Base)
RETURN 'base' AS kind, b.id AS unit_id, v.code AS village_code, count(DISTINCT h) AS households
