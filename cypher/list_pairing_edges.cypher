// Pairings of strong and weak villages (强村带弱村): one row per PAIRED_WITH relationship
// (direction strong → weak) with at least one end in the scope, so a pairing across the scope's
// border is listed once from either side.
// params:
// - $scope: division code prefix or ''; required ('' for every village)
// columns: strong_code, weak_code (strings), since (int: first year), kind (string or null)
// example: scope="520628"
MATCH (s:Village)-[r:PAIRED_WITH]->(w:Village)
WHERE s.code STARTS WITH $scope OR w.code STARTS WITH $scope
RETURN s.code AS strong_code, w.code AS weak_code, r.since AS since, r.kind AS kind
ORDER BY strong_code, weak_code
