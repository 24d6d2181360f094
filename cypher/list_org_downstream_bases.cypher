// The bases downstream of a party organization (see count_org_downstream): bases built by the
// cooperatives and companies a branch at or under it RUNS or a joint committee at or under it
// LEADS, paged in id order.
// params:
// - $org_id: id; required
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, owner_id (the cooperative or company that BUILDS it), village_code, village_name,
//   total (int: all of them, the same on every row; a page past the end has no rows)
// records: Base
// example: org_id="JC-1", skip=0, limit=10
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(u:Cooperative|Company)-[:BUILDS]->(b:Base)
WITH DISTINCT u, b
OPTIONAL MATCH (b)-[:LOCATED_IN]->(v:Village)
WITH count(*) AS total
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(u:Cooperative|Company)-[:BUILDS]->(b:Base)
WITH DISTINCT total, u, b
OPTIONAL MATCH (b)-[:LOCATED_IN]->(v:Village)
RETURN b.id AS id, b.name AS name, u.id AS owner_id, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
