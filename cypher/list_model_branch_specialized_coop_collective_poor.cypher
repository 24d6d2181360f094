// Instances of linkage model 2, branch + specialized cooperative + collective economy + poor
// households (支部+专业合作社+村集体经济+贫困户). One instance is one (Branch, Cooperative) pair
// where the branch RUNS the cooperative, the cooperative's kind is 'specialized', at least one
// village collective HOLDS_SHARE in it, and at least one poor household JOINED it.
// An instance is in a division when its cooperative is LOCATED_IN a village of the division.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: org_id, org_name (the branch), unit_id, unit_name (the cooperative),
//   village_code, village_name (the cooperative's), households (int: poor households joined),
//   total (int: all instances in scope, the same on every row; a page past the end has no rows)
// example: scope="520628", skip=0, limit=10
MATCH (b:Branch)-[:RUNS]->(c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND c.kind = 'specialized'
  AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(c) }
MATCH (h:Household)-[:JOINED]->(c)
WHERE h.poor
WITH b, c, v, count(DISTINCT h) AS households
WITH count(*) AS total
MATCH (b:Branch)-[:RUNS]->(c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND c.kind = 'specialized'
  AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(c) }
MATCH (h:Household)-[:JOINED]->(c)
WHERE h.poor
WITH total, b, c, v, count(DISTINCT h) AS households
RETURN b.id AS org_id, b.name AS org_name, c.id AS unit_id, c.name AS unit_name, v.code AS village_code,
       v.name AS village_name, households AS households, total
ORDER BY org_id, unit_id
SKIP $skip
LIMIT $limit
