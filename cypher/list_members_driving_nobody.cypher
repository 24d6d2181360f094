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
WITH collect({id: m.id, name: m.name, village_code: v.code, village_name: v.name}) AS items
UNWIND items AS it
RETURN it.id AS id, it.name AS name, it.village_code AS village_code, it.village_name AS village_name,
       size(items) AS total
ORDER BY id
SKIP $skip
LIMIT $limit
