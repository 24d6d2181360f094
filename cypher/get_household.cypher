// Looks up a household by id: its size, poverty registry status, the village it lives in, the
// members who drive it (党员带农户) and the cooperatives it joined. The head's name, ID number and
// phone are personal data, kept in the personal-data store (by id), not in the graph.
// params:
// - $household_id: id; required
// columns: id, size (int), poor (bool), poverty_exit_year (int), village_code, village_name,
//   driven_by (list of PartyMember ids), cooperatives (list of Cooperative ids)
// No row for an unknown id.
// example: household_id="HH-3"
MATCH (h:Household)
WHERE h.id = $household_id
OPTIONAL MATCH (h)-[:LIVES_IN]->(v:Village)
OPTIONAL MATCH (m:PartyMember)-[:DRIVES]->(h)
WITH h, v, collect(DISTINCT m.id) AS driven_by
OPTIONAL MATCH (h)-[:JOINED]->(c:Cooperative)
RETURN h.id AS id, h.size AS size, h.poor AS poor, h.poverty_exit_year AS poverty_exit_year,
       v.code AS village_code, v.name AS village_name, driven_by, collect(DISTINCT c.id) AS cooperatives
