// Finds villages whose name, or whose town's name, contains a fragment (e.g. '村' or a Chinese
// place name), within a division, with the town each lies in, paged in code order.
// params:
// - $q: text; required (matched with CONTAINS, case-sensitive; '' matches every village)
// - $scope: division code prefix or ''; required ('' searches everywhere)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: code, name, kind ('village' | 'community' | null), town_code, town_name,
//   total (int: all matches, the same on every row; a page past the end has no rows)
// ($q = '' spelled out: LadybugDB 0.22 answers false to x CONTAINS '', Neo4j true)
// example: q="盘信", scope="", skip=0, limit=10
MATCH (v:Village)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (v)-[:PART_OF]->(t:Town)
WITH v, t
WHERE $q = '' OR v.name CONTAINS $q OR t.name CONTAINS $q
WITH count(*) AS total
MATCH (v:Village)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (v)-[:PART_OF]->(t:Town)
WITH total, v, t
WHERE $q = '' OR v.name CONTAINS $q OR t.name CONTAINS $q
RETURN v.code AS code, v.name AS name, v.kind AS kind, t.code AS town_code, t.name AS town_name, total
ORDER BY code
SKIP $skip
LIMIT $limit
