// The pairing network of a division (强村带弱村): one row per PAIRED_WITH relationship (direction
// strong → weak) with at least one end in the scope, with both villages' names and towns, so a
// pairing across the scope's border is listed once, its far end named.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: strong_code, strong_name, strong_town_code, strong_town_name, weak_code, weak_name,
//   weak_town_code, weak_town_name (strings), since (int: first year), kind (string or null)
// example: scope="520628101"
MATCH (s:Village)-[r:PAIRED_WITH]->(w:Village)
WHERE s.code STARTS WITH $scope OR w.code STARTS WITH $scope
OPTIONAL MATCH (s)-[:PART_OF]->(st:Town)
OPTIONAL MATCH (w)-[:PART_OF]->(wt:Town)
RETURN s.code AS strong_code, s.name AS strong_name, st.code AS strong_town_code, st.name AS strong_town_name,
       w.code AS weak_code, w.name AS weak_name, wt.code AS weak_town_code, wt.name AS weak_town_name,
       r.since AS since, r.kind AS kind
ORDER BY strong_code, weak_code
