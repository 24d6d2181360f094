// The cooperatives and companies downstream of a party organization (see count_org_downstream):
// those a branch at or under it (UNDER*0..8) RUNS, or a joint committee at or under it LEADS,
// paged in id order.
// params:
// - $org_id: id; required
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, type ('cooperative' | 'company'), village_code, village_name,
//   total (int: all of them, the same on every row; a page past the end has no rows)
// records: Cooperative, Company
// example: org_id="JC-1", skip=0, limit=10
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(u:Cooperative|Company)
WITH DISTINCT u
OPTIONAL MATCH (u)-[:LOCATED_IN]->(v:Village)
OPTIONAL MATCH (company:Company)
WHERE company.id = u.id
WITH count(*) AS total
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(u:Cooperative|Company)
WITH DISTINCT total, u
OPTIONAL MATCH (u)-[:LOCATED_IN]->(v:Village)
OPTIONAL MATCH (company:Company)
WHERE company.id = u.id
RETURN u.id AS id, u.name AS name, CASE WHEN company IS NULL THEN 'cooperative' ELSE 'company' END AS type,
       v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
