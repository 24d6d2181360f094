// Instances of linkage model 3, branch + company + collective economy + farm households
// (支部+公司+村集体经济+农户). One instance is one (Branch, Company) pair where the branch RUNS
// the company, at least one village collective HOLDS_SHARE in it, and at least one household
// (poor or not) is tied to it: EMPLOYED_AT a base the company BUILDS, or JOINED a cooperative the
// company CONTRACTS with (order farming).
// An instance is in a division when its company is LOCATED_IN a village of the division.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: org_id, org_name (the branch), unit_id, unit_name (the company),
//   village_code, village_name (the company's), households (int: distinct households employed at
//   its bases or in its contracted cooperatives),
//   total (int: all instances in scope, the same on every row; a page past the end has no rows)
// example: scope="520628", skip=0, limit=10
MATCH (b:Branch)-[:RUNS]->(p:Company)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(p) }
OPTIONAL MATCH (p)-[:BUILDS]->(:Base)<-[:EMPLOYED_AT]-(e:Household)
WITH b, p, v, collect(DISTINCT e.id) AS employed
OPTIONAL MATCH (p)-[:CONTRACTS]->(:Cooperative)<-[:JOINED]-(k:Household)
WHERE NOT k.id IN employed
WITH b, p, v, employed, count(DISTINCT k) AS contracted
WITH b, p, v, size(employed) + contracted AS households
WHERE households > 0
WITH count(*) AS total
MATCH (b:Branch)-[:RUNS]->(p:Company)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(p) }
OPTIONAL MATCH (p)-[:BUILDS]->(:Base)<-[:EMPLOYED_AT]-(e:Household)
WITH total, b, p, v, collect(DISTINCT e.id) AS employed
OPTIONAL MATCH (p)-[:CONTRACTS]->(:Cooperative)<-[:JOINED]-(k:Household)
WHERE NOT k.id IN employed
WITH total, b, p, v, employed, count(DISTINCT k) AS contracted
WITH total, b, p, v, size(employed) + contracted AS households
WHERE households > 0
RETURN b.id AS org_id, b.name AS org_name, p.id AS unit_id, p.name AS unit_name, v.code AS village_code,
       v.name AS village_name, households AS households, total
ORDER BY org_id, unit_id
SKIP $skip
LIMIT $limit
