// A party organization's profile: level, kind, seat, parent, secretary, the villages it covers,
// how many organizations sit directly under it and how many members belong to it, and the
// cooperatives and companies it runs (RUNS, from a branch) or leads (LEADS, from a joint committee).
// params:
// - $org_id: id; required
// columns: id, name, level (county_committee | town_committee | joint_committee | general_branch | branch |
//   group), kind, seat_code, seat_name, parent_id, parent_name, secretary_id (a PartyMember id),
//   covers (list of village codes), children (int), members (int: MEMBER_OF),
//   units (list of Cooperative/Company ids it runs or leads)
// No row for an unknown id.
// example: org_id="BR-1"
MATCH (o:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE o.id = $org_id
OPTIONAL MATCH (o)-[:UNDER]->(parent:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch)
OPTIONAL MATCH (seat:County|Town|Village)
WHERE seat.code = o.seat_code
WITH o, parent, seat
OPTIONAL MATCH (secretary:PartyMember)-[:HEADS]->(o)
WITH o, parent, seat, min(secretary.id) AS secretary_id
OPTIONAL MATCH (o)-[:COVERS]->(cv:Village)
WITH o, parent, seat, secretary_id, collect(DISTINCT cv.code) AS covers
OPTIONAL MATCH (child:TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:UNDER]->(o)
WITH o, parent, seat, secretary_id, covers, count(DISTINCT child) AS children
OPTIONAL MATCH (m:PartyMember)-[:MEMBER_OF]->(o)
WITH o, parent, seat, secretary_id, covers, children, count(DISTINCT m) AS members
OPTIONAL MATCH (o)-[:RUNS|LEADS]->(u:Cooperative|Company)
WITH o, parent, seat, secretary_id, covers, children, members, collect(DISTINCT u.id) AS units
RETURN o.id AS id, o.name AS name, o.level AS level, o.kind AS kind, o.seat_code AS seat_code,
       seat.name AS seat_name, parent.id AS parent_id, parent.name AS parent_name, secretary_id,
       covers, children, members, units
