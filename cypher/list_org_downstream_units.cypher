// The cooperatives and companies downstream of a party organization (see count_org_downstream):
// those a branch at or under it (UNDER*0..8) RUNS, or a joint committee at or under it LEADS,
// paged in id order.
// params:
// - $org_id: id; required
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, type ('cooperative' | 'company'), village_code, village_name,
//   total (int: all of them, the same on every row; a page past the end has no rows)
// example: org_id="JC-1", skip=0, limit=10
MATCH (r:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(u:Cooperative|Company)
WITH DISTINCT u
OPTIONAL MATCH (u)-[:LOCATED_IN]->(v:Village)
OPTIONAL MATCH (company:Company)
WHERE company.id = u.id
WITH collect({id: u.id, name: u.name, type: CASE WHEN company IS NULL THEN 'cooperative' ELSE 'company' END,
              village_code: v.code, village_name: v.name}) AS items
UNWIND items AS it
RETURN it.id AS id, it.name AS name, it.type AS type, it.village_code AS village_code,
       it.village_name AS village_name, size(items) AS total
ORDER BY id
SKIP $skip
LIMIT $limit
