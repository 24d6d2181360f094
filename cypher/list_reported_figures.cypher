// Lists the reported (published) figures about a division and its sub-divisions, with how each is to be
// compared (its qualifiers, from the source's wording) and its source, cited as published.
// params:
// - $scope: division code prefix or ''; required ('' lists every figure)
// columns: metric, value (float), unit, qualifiers (list of strings: exact, at_least, planned, can_reach,
//   per_year; empty means exact), wording (the source's own words), scope_code, as_of (date),
//   source_title, source_author, source_affiliation, source_published_at, publisher, source_url, source_note
// example: scope=""
MATCH (f:ReportedFigure)
WHERE f.scope_code STARTS WITH $scope
OPTIONAL MATCH (f)-[:FROM_SOURCE]->(s:Source)
RETURN f.metric AS metric, f.value AS value, f.unit AS unit, f.qualifiers AS qualifiers, f.wording AS wording,
       f.scope_code AS scope_code, f.as_of AS as_of, s.title AS source_title, s.author AS source_author,
       s.affiliation AS source_affiliation, s.published_at AS source_published_at, s.publisher AS publisher,
       s.url AS source_url, s.note AS source_note
ORDER BY scope_code, metric, as_of
