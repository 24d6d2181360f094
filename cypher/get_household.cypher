// Looks up a household by id, with the village it lives in. head_name is personal data:
// callers that publish results mask it.
// params:
// - $household_id: string; required
// columns: id, head_name, size (int), poor (bool), poverty_exit_year (int), village_code, village_name
MATCH (h:Household)
WHERE h.id = $household_id
OPTIONAL MATCH (h)-[:LIVES_IN]->(v:Village)
RETURN h.id AS id, h.head_name AS head_name, h.size AS size, h.poor AS poor,
       h.poverty_exit_year AS poverty_exit_year, v.code AS village_code, v.name AS village_name
