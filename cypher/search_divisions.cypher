// Finds counties, towns and villages by a fragment of their name, within a division, with the
// division each lies in, paged in code order (a county before its towns, a town before its
// villages). Division names are public (the statistical division codes of the NBS).
// params:
// - $q: text; required (matched with CONTAINS, case-sensitive; '' matches every division)
// - $scope: division code prefix or ''; required ('' searches everywhere)
// - $level: text; required ('county', 'town', 'village', or '' for every level)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: code, name, level ('county' | 'town' | 'village', from the code's length), kind,
//   parent_code, parent_name (the county of a town, the town of a village; null for a county),
//   total (int: all matches, the same on every row; a page past the end has no rows)
// example: q="盘信", scope="", level="", skip=0, limit=10
MATCH (d:County|Town|Village)
WHERE d.code STARTS WITH $scope
WITH d, CASE size(d.code) WHEN 6 THEN 'county' WHEN 9 THEN 'town' ELSE 'village' END AS level
// ($q = '' spelled out: LadybugDB 0.22 answers false to x CONTAINS '', Neo4j true)
WHERE ($q = '' OR d.name CONTAINS $q) AND ($level = '' OR level = $level)
OPTIONAL MATCH (d)-[:PART_OF]->(p:County|Town)
WITH collect({code: d.code, name: d.name, level: level, kind: d.kind, parent_code: p.code,
              parent_name: p.name}) AS items
UNWIND items AS it
RETURN it.code AS code, it.name AS name, it.level AS level, it.kind AS kind, it.parent_code AS parent_code,
       it.parent_name AS parent_name, size(items) AS total
ORDER BY code
SKIP $skip
LIMIT $limit
