// Instances of linkage model 1, joint committee + cooperative + poor households
// (联合党委+合作社+贫困户). One instance is one (JointCommittee, Cooperative) pair where the
// joint committee LEADS the cooperative directly and at least one poor household JOINED it.
// (A cooperative run by a branch somewhere under a joint committee is not an instance: that is
// the ordinary chain, counted by model 2 when its other conditions hold.)
// An instance is in a division when its cooperative is LOCATED_IN a village of the division.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: org_id, org_name (the joint committee), unit_id, unit_name (the cooperative),
//   village_code, village_name (the cooperative's), households (int: poor households joined),
//   total (int: all instances in scope, the same on every row; a page past the end has no rows)
// example: scope="520628", skip=0, limit=10
MATCH (j:JointCommittee)-[:LEADS]->(c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
MATCH (h:Household)-[:JOINED]->(c)
WHERE h.poor
WITH j, c, v, count(DISTINCT h) AS households
WITH count(*) AS total
MATCH (j:JointCommittee)-[:LEADS]->(c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
MATCH (h:Household)-[:JOINED]->(c)
WHERE h.poor
WITH total, j, c, v, count(DISTINCT h) AS households
RETURN j.id AS org_id, j.name AS org_name, c.id AS unit_id, c.name AS unit_name, v.code AS village_code,
       v.name AS village_name, households AS households, total
ORDER BY org_id, unit_id
SKIP $skip
LIMIT $limit
