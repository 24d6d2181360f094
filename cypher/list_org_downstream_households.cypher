// The households downstream of a party organization (see count_org_downstream): households
// driven (DRIVES) by the members linked to the bases of the cooperatives and companies it or
// its sub-organizations run or lead, paged in id order. Heads' names are personal data, kept in
// the personal-data store (by id), not in the graph.
// params:
// - $org_id: id; required
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, poor (bool), village_code, village_name (where it lives),
//   total (int: all of them, the same on every row; a page past the end has no rows)
// example: org_id="JC-1", skip=0, limit=10
MATCH (r:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)-[:BUILDS]->(:Base)
      -[:LINKS]->(:PartyMember)-[:DRIVES]->(h:Household)
WITH DISTINCT h
OPTIONAL MATCH (h)-[:LIVES_IN]->(v:Village)
WITH collect({id: h.id, poor: h.poor, village_code: v.code, village_name: v.name}) AS items
UNWIND items AS it
RETURN it.id AS id, it.poor AS poor, it.village_code AS village_code,
       it.village_name AS village_name, size(items) AS total
ORDER BY id
SKIP $skip
LIMIT $limit
