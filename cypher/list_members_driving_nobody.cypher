// Party members living in a division who drive no household (no outgoing DRIVES), paged in
// id order. name is the member's name, personal data: callers that publish results mask it.
// params:
// - $scope: division code prefix (2, 4, 6, 9 or 12 digits); required
// - $skip: int >= 0; required (rows to skip)
// - $limit: int >= 1; required (page size)
// columns: id, name, village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
MATCH (m:PartyMember)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND NOT EXISTS { MATCH (m)-[:DRIVES]->(:Household) }
WITH count(*) AS total
MATCH (m:PartyMember)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND NOT EXISTS { MATCH (m)-[:DRIVES]->(:Household) }
RETURN m.id AS id, m.name AS name, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
