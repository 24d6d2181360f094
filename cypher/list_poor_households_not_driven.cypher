// Gap list behind poor_households_driven: poor households living in a division that no party
// member drives (no incoming DRIVES), paged in id order. Heads' names are personal data, kept in
// the personal-data store (by id), not in the graph.
// params:
// - $scope: division code prefix or ''; required (2, 4, 6, 9 or 12 digits; '' for every village)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
// records: Household
// example: scope="520628", skip=0, limit=10
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND h.poor AND NOT EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) }
WITH count(*) AS total
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND h.poor AND NOT EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) }
RETURN h.id AS id, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
