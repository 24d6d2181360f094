// Party organizations seated in a division (an organization counts where its seat_code is),
// optionally only those under no other organization (the roots of the trees: joint committees,
// and branches that no committee or general branch leads) and optionally by a fragment of their
// name; paged joint committees first, then general branches, branches and groups, each in id
// order; each with what is at or under it, counted as in count_org_downstream:
//   orgs          organizations under it (UNDER*1..8)
//   cooperatives  cooperatives a branch at or under it RUNS, or a joint committee at or under it LEADS
//   companies     companies a branch at or under it RUNS
//   bases         bases those cooperatives and companies BUILD
//   party_members party members whose organization (MEMBER_OF) is it or one under it
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $q: text; required (matched with CONTAINS, case-sensitive; '' matches every organization)
// - $roots: int >= 0 <= 1; required (1: only organizations under no other)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, level ('joint_committee' | 'general_branch' | 'branch' | 'group'), kind,
//   seat_code, seat_name, parent_id, parent_name (null for a root),
//   orgs, cooperatives, companies, bases, party_members (int, above),
//   rank (int: 0 joint committee, 1 general branch, 2 branch, 3 group; the first sort key),
//   total (int: all matches, the same on every row; a page past the end has no rows)
// The counts are made for the rows of the page only.
// example: scope="520628", q="", roots=1, skip=0, limit=10
MATCH (o:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE o.seat_code STARTS WITH $scope AND ($q = '' OR o.name CONTAINS $q)
  AND ($roots = 0 OR NOT EXISTS { MATCH (o)-[:UNDER]->(:JointCommittee|GeneralBranch|Branch) })
OPTIONAL MATCH (o)-[:UNDER]->(parent:JointCommittee|GeneralBranch|Branch)
OPTIONAL MATCH (seat:County|Town|Village)
WHERE seat.code = o.seat_code
OPTIONAL MATCH (jc:JointCommittee)
WHERE jc.id = o.id
OPTIONAL MATCH (gb:GeneralBranch)
WHERE gb.id = o.id
OPTIONAL MATCH (br:Branch)
WHERE br.id = o.id
WITH o, parent, seat,
     CASE WHEN jc IS NOT NULL THEN 0 WHEN gb IS NOT NULL THEN 1 WHEN br IS NOT NULL THEN 2 ELSE 3 END AS rank
WITH collect({id: o.id, name: o.name, rank: rank, kind: o.kind, seat_code: o.seat_code, seat_name: seat.name,
              parent_id: parent.id, parent_name: parent.name}) AS items
UNWIND items AS it
WITH it, size(items) AS total
ORDER BY it.rank, it.id
SKIP $skip
LIMIT $limit
MATCH (r:JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = it.id
OPTIONAL MATCH (o:GeneralBranch|Branch|PartyGroup)-[:UNDER*1..8]->(r)
WITH it, total, r, count(DISTINCT o) AS orgs
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(c:Cooperative)
WITH it, total, r, orgs, count(DISTINCT c) AS cooperatives
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:Branch)-[:RUNS]->(p:Company)
WITH it, total, r, orgs, cooperatives, count(DISTINCT p) AS companies
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)
               -[:BUILDS]->(b:Base)
WITH it, total, r, orgs, cooperatives, companies, count(DISTINCT b) AS bases
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|GeneralBranch|Branch|PartyGroup)<-[:MEMBER_OF]-(m:PartyMember)
WITH it, total, orgs, cooperatives, companies, bases, count(DISTINCT m) AS party_members
RETURN it.id AS id, it.name AS name,
       CASE it.rank WHEN 0 THEN 'joint_committee' WHEN 1 THEN 'general_branch' WHEN 2 THEN 'branch'
                    ELSE 'group' END AS level,
       it.kind AS kind, it.seat_code AS seat_code, it.seat_name AS seat_name, it.parent_id AS parent_id,
       it.parent_name AS parent_name, orgs, cooperatives, companies, bases, party_members, total, it.rank AS rank
ORDER BY rank, id
