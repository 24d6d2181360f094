// Looks up a division (county, town or village) by its code.
// params:
// - $code: division code; required
// columns: code, name, level ('county' | 'town' | 'village'), kind
// example: code="520628101001"
MATCH (d:County|Town|Village)
WHERE d.code = $code
RETURN d.code AS code, d.name AS name, d.level AS level, d.kind AS kind
