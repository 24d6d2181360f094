// Gap list behind bases_linked: bases located in a division tied to no party member
// (no outgoing LINKS), paged in id order.
// params:
// - $scope: division code prefix or ''; required (2, 4, 6, 9 or 12 digits; '' for every village)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, name, village_code, village_name,
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
// records: Base
// example: scope="520628", skip=0, limit=10
MATCH (b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND NOT EXISTS { MATCH (b)-[:LINKS]->(:PartyMember) }
WITH count(*) AS total
MATCH (b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND NOT EXISTS { MATCH (b)-[:LINKS]->(:PartyMember) }
RETURN b.id AS id, b.name AS name, v.code AS village_code, v.name AS village_name, total
ORDER BY id
SKIP $skip
LIMIT $limit
