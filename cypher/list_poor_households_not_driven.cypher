// Gap list behind poor_households_driven: poor households living in a division that no party
// member drives (no incoming DRIVES), paged in id order. name is the head of household's name,
// personal data: callers that publish results mask it.
// params:
// - $scope: division code prefix (2, 4, 6, 9 or 12 digits); required
// - $skip: int >= 0; required (rows to skip)
// - $limit: int >= 1; required (page size)
// columns: id, name (head_name), village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND h.poor AND NOT EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) }
WITH count(*) AS total
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND h.poor AND NOT EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) }
RETURN h.id AS id, h.head_name AS name, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
