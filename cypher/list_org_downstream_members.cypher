// The party members downstream of a party organization (see count_org_downstream): members
// linked (LINKS) to the bases of the cooperatives and companies it or its sub-organizations
// run or lead, paged in id order. name is personal data: callers that publish results mask it.
// params:
// - $org_id: string; required
// - $skip: int >= 0; required (rows to skip)
// - $limit: int >= 1; required (page size)
// columns: id, name, village_code, village_name (where the member lives),
//   total (int: all of them, the same on every row; a page past the end has no rows)
MATCH (r:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)-[:BUILDS]->(:Base)
      -[:LINKS]->(m:PartyMember)
WITH DISTINCT m
OPTIONAL MATCH (m)-[:LIVES_IN]->(v:Village)
WITH collect({id: m.id, name: m.name, village_code: v.code, village_name: v.name}) AS items
UNWIND items AS it
RETURN it.id AS id, it.name AS name, it.village_code AS village_code, it.village_name AS village_name,
       size(items) AS total
ORDER BY id
SKIP $skip
LIMIT $limit
