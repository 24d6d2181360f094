// Party organizations seated in a division (an organization counts where its seat_code is),
// optionally only those under no other organization (the roots of the trees: the county committee,
// and any organization a ledger leaves without a parent) and optionally by a fragment of their
// name; paged by level (county committee, town committees, joint committees, general branches,
// branches, groups), each in id order; each with what is at or under it, counted as in count_org_downstream:
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
// columns: id, name, level ('county_committee' | 'town_committee' | 'joint_committee' | 'general_branch' |
//   'branch' | 'group'), kind,
//   seat_code, seat_name, parent_id, parent_name (null for a root),
//   orgs, cooperatives, companies, bases, party_members (int, above),
//   rank (int: 0 county committee, 1 town committee, 2 joint committee, 3 general branch, 4 branch,
//   5 group; the first sort key),
//   total (int: all matches, the same on every row; a page past the end has no rows)
// The counts are made for the rows of the page only.
// example: scope="520628", q="", roots=1, skip=0, limit=10
MATCH (o:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE o.seat_code STARTS WITH $scope AND ($q = '' OR o.name CONTAINS $q)
  AND ($roots = 0 OR NOT EXISTS { MATCH (o)-[:UNDER]->(:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch) })
OPTIONAL MATCH (o)-[:UNDER]->(parent:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch)
OPTIONAL MATCH (seat:County|Town|Village)
WHERE seat.code = o.seat_code
WITH o, parent, seat,
     CASE o.level WHEN 'county_committee' THEN 0 WHEN 'town_committee' THEN 1 WHEN 'joint_committee' THEN 2
                  WHEN 'general_branch' THEN 3 WHEN 'branch' THEN 4 ELSE 5 END AS rank
WITH collect({id: o.id, name: o.name, rank: rank, level: o.level, kind: o.kind, seat_code: o.seat_code,
              seat_name: seat.name, parent_id: parent.id, parent_name: parent.name}) AS items
UNWIND items AS it
WITH it, size(items) AS total
ORDER BY it.rank, it.id
SKIP $skip
LIMIT $limit
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = it.id
OPTIONAL MATCH (o:TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:UNDER*1..8]->(r)
WITH it, total, r, count(DISTINCT o) AS orgs
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(c:Cooperative)
WITH it, total, r, orgs, count(DISTINCT c) AS cooperatives
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:Branch)-[:RUNS]->(p:Company)
WITH it, total, r, orgs, cooperatives, count(DISTINCT p) AS companies
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)
               -[:BUILDS]->(b:Base)
WITH it, total, r, orgs, cooperatives, companies, count(DISTINCT b) AS bases
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)<-[:MEMBER_OF]-(m:PartyMember)
WITH it, total, orgs, cooperatives, companies, bases, count(DISTINCT m) AS party_members
RETURN it.id AS id, it.name AS name,
       it.level AS level,
       it.kind AS kind, it.seat_code AS seat_code, it.seat_name AS seat_name, it.parent_id AS parent_id,
       it.parent_name AS parent_name, orgs, cooperatives, companies, bases, party_members, total, it.rank AS rank
ORDER BY rank, id
