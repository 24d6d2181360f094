// Counts the counties, towns and villages whose code starts with a prefix: tells a known
// province ('52') or prefecture ('5206') prefix from an unknown one, and sizes a scope.
// params:
// - $scope: division code prefix; required
// columns: counties, towns, villages (int)
// example: scope="5206"
OPTIONAL MATCH (c:County)
WHERE c.code STARTS WITH $scope
WITH count(c) AS counties
OPTIONAL MATCH (t:Town)
WHERE t.code STARTS WITH $scope
WITH counties, count(t) AS towns
OPTIONAL MATCH (v:Village)
WHERE v.code STARTS WITH $scope
RETURN counties, towns, count(v) AS villages
