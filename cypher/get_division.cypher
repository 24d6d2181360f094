// Looks up a division (county, town or village) by its code.
// params:
// - $code: division code; required
// columns: code, name, level ('county' | 'town' | 'village', from the code's length), kind
// example: code="520628101001"
MATCH (d:County|Town|Village)
WHERE d.code = $code
RETURN d.code AS code, d.name AS name,
       CASE size(d.code) WHEN 6 THEN 'county' WHEN 9 THEN 'town' ELSE 'village' END AS level,
       d.kind AS kind
