// Lists the reported (published) figures about a division and its sub-divisions, with source.
// params:
// - $scope: division code prefix or ''; required ('' lists every figure)
// columns: metric, value (float), unit, scope_code, as_of (date), source_title, publisher, source_url
// example: scope=""
MATCH (f:ReportedFigure)
WHERE f.scope_code STARTS WITH $scope
OPTIONAL MATCH (f)-[:FROM_SOURCE]->(s:Source)
RETURN f.metric AS metric, f.value AS value, f.unit AS unit, f.scope_code AS scope_code,
       f.as_of AS as_of, s.title AS source_title, s.publisher AS publisher, s.url AS source_url
ORDER BY scope_code, metric, as_of
