// A party member's record in the graph: gender, years, roles, the branch or group the member
// belongs to (MEMBER_OF), the village the member lives in, the bases linked to the member (基地联党员),
// and the households the member drives (党员带农户). The member's name and phone are personal data,
// kept in the personal-data store (by id), not in the graph.
// params:
// - $member_id: id; required
// columns: id, gender, birth_year (int), joined_year (int), roles (list of strings), org_id, org_name,
//   village_code, village_name, bases (list of base ids), households (int: households DRIVEN),
//   poor_households (int)
// No row for an unknown id.
// example: member_id="PM-1"
MATCH (m:PartyMember)
WHERE m.id = $member_id
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:Branch|PartyGroup)
OPTIONAL MATCH (m)-[:LIVES_IN]->(v:Village)
WITH m, min(o.id) AS org_id, min(o.name) AS org_name, v
OPTIONAL MATCH (b:Base)-[:LINKS]->(m)
WITH m, org_id, org_name, v, collect(DISTINCT b.id) AS bases
OPTIONAL MATCH (m)-[:DRIVES]->(h:Household)
RETURN m.id AS id, m.gender AS gender, m.birth_year AS birth_year, m.joined_year AS joined_year,
       m.roles AS roles, org_id, org_name, v.code AS village_code, v.name AS village_name, bases,
       count(DISTINCT h) AS households, count(DISTINCT CASE WHEN h.poor THEN h.id END) AS poor_households
