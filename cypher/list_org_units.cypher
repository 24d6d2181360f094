// The cooperatives and companies of a party organization's tree, each under the organization
// that runs (RUNS, a branch) or leads (LEADS, a joint committee) it: for the organization and
// every organization under it (UNDER*0..8), the units it runs or leads, with where each unit is
// and the bases it builds (合作社建基地), each base with its scale and how many party members it
// links (基地联党员). Paged in (organization id, unit id) order; a unit run by one organization
// and led by another is listed under both.
// params:
// - $org_id: id; required (the id of any party organization)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: org_id, id, name, type ('cooperative' | 'company'), village_code, village_name,
//   bases (list of {id, name, scale (float or null), unit (string or null), members (int)},
//   in no particular order; empty when it builds none),
//   total (int: all rows, the same on every row; a page past the end has no rows)
// records: Cooperative, Company
// example: org_id="JC-1", skip=0, limit=10
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(o:JointCommittee|Branch)
WITH DISTINCT o
MATCH (o)-[:RUNS|LEADS]->(u:Cooperative|Company)
WITH DISTINCT o, u
WITH count(*) AS total
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH (r)<-[:UNDER*0..8]-(o:JointCommittee|Branch)
WITH DISTINCT total, o
MATCH (o)-[:RUNS|LEADS]->(u:Cooperative|Company)
WITH DISTINCT total, o, u
ORDER BY o.id, u.id
SKIP $skip
LIMIT $limit
OPTIONAL MATCH (u)-[:LOCATED_IN]->(v:Village)
OPTIONAL MATCH (company:Company)
WHERE company.id = u.id
OPTIONAL MATCH (u)-[:BUILDS]->(b:Base)
OPTIONAL MATCH (b)-[:LINKS]->(m:PartyMember)
WITH total, o, u, v, company, b, count(DISTINCT m) AS members
WITH total, o, u, v, company,
     collect(CASE WHEN b IS NOT NULL THEN {id: b.id, name: b.name, scale: b.scale, unit: b.unit,
                                           members: members} END) AS bases
RETURN o.id AS org_id, u.id AS id, u.name AS name,
       CASE WHEN company IS NULL THEN 'cooperative' ELSE 'company' END AS type, v.code AS village_code,
       v.name AS village_name, bases, total
ORDER BY org_id, id
