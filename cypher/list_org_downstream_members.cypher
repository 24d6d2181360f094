// The party members downstream of a party organization (see count_org_downstream): members
// linked (LINKS) to the bases of the cooperatives and companies it or its sub-organizations
// run or lead, paged in id order. Members' names are personal data, kept in the personal-data store
// (by id), not in the graph.
// params:
// - $org_id: id; required
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, village_code, village_name (where the member lives),
//   total (int: all of them, the same on every row; a page past the end has no rows)
// records: PartyMember
// example: org_id="JC-1", skip=0, limit=10
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)-[:BUILDS]->(:Base)
      -[:LINKS]->(m:PartyMember)
WITH DISTINCT m
OPTIONAL MATCH (m)-[:LIVES_IN]->(v:Village)
WITH count(*) AS total
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)-[:BUILDS]->(:Base)
      -[:LINKS]->(m:PartyMember)
WITH DISTINCT total, m
OPTIONAL MATCH (m)-[:LIVES_IN]->(v:Village)
RETURN m.id AS id, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
