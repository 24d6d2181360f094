// Gap list behind demo_point_party_org: 村社合一 demonstration-point cooperatives
// (demo_point = true) located in a division that no party branch runs, paged in id order.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
// example: scope="520628", skip=0, limit=10
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND c.demo_point AND NOT EXISTS { MATCH (:Branch)-[:RUNS]->(c) }
WITH collect({id: c.id, name: c.name, village_code: v.code, village_name: v.name}) AS items
UNWIND items AS it
RETURN it.id AS id, it.name AS name, it.village_code AS village_code, it.village_name AS village_name,
       size(items) AS total
ORDER BY id
SKIP $skip
LIMIT $limit
