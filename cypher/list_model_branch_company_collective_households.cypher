// Instances of linkage model 3, branch + company + collective economy + farm households
// (支部+公司+集体经济+农户). One instance is one (Branch, Company) pair where the branch works with the
// company in one of three ways: it RUNS the company (the company's own branch); or it is a village
// branch (kind village) whose village's collective HOLDS_SHARE in the company (partnering through the
// collective's shareholding); or it is a village branch that RUNS a cooperative the company CONTRACTS
// with (partnering through an order contract). And at least one village collective HOLDS_SHARE in the
// company (the collective economy), and at least one household (poor or not) is tied to it:
// EMPLOYED_AT a base the company BUILDS, or JOINED a cooperative the company CONTRACTS with.
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
MATCH (p:Company)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(p) }
OPTIONAL MATCH (p)-[:BUILDS]->(:Base)<-[:EMPLOYED_AT]-(e:Household)
WITH p, v, collect(DISTINCT e.id) AS employed
OPTIONAL MATCH (p)-[:CONTRACTS]->(:Cooperative)<-[:JOINED]-(k:Household)
WHERE NOT k.id IN employed
WITH p, v, employed, count(DISTINCT k) AS contracted
WITH p, v, size(employed) + contracted AS households
WHERE households > 0
OPTIONAL MATCH (b1:Branch)-[:RUNS]->(p)
WITH p, v, households, collect(DISTINCT b1.id) AS own
OPTIONAL MATCH (b2:Branch)-[:COVERS]->(:Village)-[:HOLDS_SHARE]->(p)
WHERE b2.kind = 'village'
WITH p, v, households, own, collect(DISTINCT b2.id) AS through_shares
OPTIONAL MATCH (b3:Branch)-[:RUNS]->(:Cooperative)<-[:CONTRACTS]-(p)
WHERE b3.kind = 'village'
WITH p, v, households, own, through_shares, collect(DISTINCT b3.id) AS by_contract
WITH p, v, households, own + through_shares + by_contract AS partners
UNWIND partners AS bid
WITH DISTINCT p, v, households, bid
MATCH (b:Branch)
WHERE b.id = bid
WITH collect({org_id: b.id, org_name: b.name, unit_id: p.id, unit_name: p.name, village_code: v.code,
              village_name: v.name, households: households}) AS items
UNWIND items AS it
RETURN it.org_id AS org_id, it.org_name AS org_name, it.unit_id AS unit_id, it.unit_name AS unit_name,
       it.village_code AS village_code, it.village_name AS village_name, it.households AS households,
       size(items) AS total
ORDER BY org_id, unit_id
SKIP $skip
LIMIT $limit
