// Instances of linkage model 4, village branch + industry party group (村党支部+产业党小组).
// One instance is one PartyGroup of kind 'industry' directly UNDER a Branch of kind 'village'.
// An instance is in a division when the group's seat_code (or, when the group has none, its
// branch's) starts with the division code.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: org_id, org_name (the village branch), unit_id, unit_name (the party group),
//   village_code (the seat code used for the scope; a village code unless the seat is a town),
//   village_name (null unless the seat is a village), households (int: distinct households driven
//   by members of the group),
//   total (int: all instances in scope, the same on every row; a page past the end has no rows)
// example: scope="520628", skip=0, limit=10
MATCH (g:PartyGroup)-[:UNDER]->(b:Branch)
WHERE g.kind = 'industry' AND b.kind = 'village' AND coalesce(g.seat_code, b.seat_code) STARTS WITH $scope
OPTIONAL MATCH (v:Village)
WHERE v.code = coalesce(g.seat_code, b.seat_code)
OPTIONAL MATCH (g)<-[:MEMBER_OF]-(:PartyMember)-[:DRIVES]->(h:Household)
WITH b, g, v, count(DISTINCT h) AS households
WITH count(*) AS total
MATCH (g:PartyGroup)-[:UNDER]->(b:Branch)
WHERE g.kind = 'industry' AND b.kind = 'village' AND coalesce(g.seat_code, b.seat_code) STARTS WITH $scope
OPTIONAL MATCH (v:Village)
WHERE v.code = coalesce(g.seat_code, b.seat_code)
OPTIONAL MATCH (g)<-[:MEMBER_OF]-(:PartyMember)-[:DRIVES]->(h:Household)
WITH total, b, g, v, count(DISTINCT h) AS households
RETURN b.id AS org_id, b.name AS org_name, g.id AS unit_id, g.name AS unit_name, coalesce(g.seat_code,
       b.seat_code) AS village_code, v.name AS village_name, households AS households, total
ORDER BY org_id, unit_id
SKIP $skip
LIMIT $limit
