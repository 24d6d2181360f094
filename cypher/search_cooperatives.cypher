// Finds cooperatives located in a division by a fragment of their name, paged in id order, with
// their village, the branch that runs them (支部办合作社) or the joint committee that leads them.
// params:
// - $q: text; required (matched with CONTAINS, case-sensitive; '' matches every cooperative)
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, kind, demo_point (bool), village_code, village_name, branch_id, branch_name,
//   joint_committee_id, joint_committee_name (null when none),
//   total (int: all matches, the same on every row; a page past the end has no rows)
// example: q="茶", scope="520628", skip=0, limit=10
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND ($q = '' OR c.name CONTAINS $q)
OPTIONAL MATCH (b:Branch)-[:RUNS]->(c)
OPTIONAL MATCH (j:JointCommittee)-[:LEADS]->(c)
WITH collect({id: c.id, name: c.name, kind: c.kind, demo_point: c.demo_point, village_code: v.code,
              village_name: v.name, branch_id: b.id, branch_name: b.name, joint_committee_id: j.id,
              joint_committee_name: j.name}) AS items
UNWIND items AS it
RETURN it.id AS id, it.name AS name, it.kind AS kind, it.demo_point AS demo_point,
       it.village_code AS village_code, it.village_name AS village_name, it.branch_id AS branch_id,
       it.branch_name AS branch_name, it.joint_committee_id AS joint_committee_id,
       it.joint_committee_name AS joint_committee_name, size(items) AS total
ORDER BY id
SKIP $skip
LIMIT $limit
