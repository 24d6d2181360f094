// Gap list behind demo_point_party_org: 村社合一 demonstration-point cooperatives
// (demo_point = true) located in a division that no party organization runs or leads, paged in id order.
// params:
// - $scope: division code prefix or ''; required (2, 4, 6, 9 or 12 digits; '' for every village)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
// records: Cooperative
// example: scope="520628", skip=0, limit=10
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND c.demo_point AND NOT EXISTS { MATCH (:Branch)-[:RUNS]->(c) }
  AND NOT EXISTS { MATCH (:JointCommittee)-[:LEADS]->(c) }
WITH count(*) AS total
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND c.demo_point AND NOT EXISTS { MATCH (:Branch)-[:RUNS]->(c) }
  AND NOT EXISTS { MATCH (:JointCommittee)-[:LEADS]->(c) }
RETURN c.id AS id, c.name AS name, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
