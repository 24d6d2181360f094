// Party members living in a division who drive no household (no outgoing DRIVES), paged in
// id order. Members' names are personal data, kept in the personal-data store (by id), not in the graph.
// params:
// - $scope: division code prefix or ''; required (2, 4, 6, 9 or 12 digits; '' for every village)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
// records: PartyMember
// example: scope="520628", skip=0, limit=10
MATCH (m:PartyMember)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND NOT EXISTS { MATCH (m)-[:DRIVES]->(:Household) }
WITH count(*) AS total
MATCH (m:PartyMember)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND NOT EXISTS { MATCH (m)-[:DRIVES]->(:Household) }
RETURN m.id AS id, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
