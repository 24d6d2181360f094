// The households downstream of a party organization (see count_org_downstream): households
// driven (DRIVES) by the members linked to the bases of the cooperatives and companies it or
// its sub-organizations run or lead, paged in id order. name is the head of household's name,
// personal data: callers that publish results mask it.
// params:
// - $org_id: string; required
// - $skip: int >= 0; required (rows to skip)
// - $limit: int >= 1; required (page size)
// columns: id, name (head_name), poor (bool), village_code, village_name (where it lives),
//   total (int: all of them, the same on every row; a page past the end has no rows)
MATCH (r:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)-[:BUILDS]->(:Base)
      -[:LINKS]->(:PartyMember)-[:DRIVES]->(h:Household)
WITH DISTINCT h
OPTIONAL MATCH (h)-[:LIVES_IN]->(v:Village)
WITH count(*) AS total
MATCH (r:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)-[:BUILDS]->(:Base)
      -[:LINKS]->(:PartyMember)-[:DRIVES]->(h:Household)
WITH DISTINCT total, h
OPTIONAL MATCH (h)-[:LIVES_IN]->(v:Village)
RETURN h.id AS id, h.head_name AS name, h.poor AS poor, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
