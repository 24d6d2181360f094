// The pairings (强村带弱村 / 结对帮扶) of a village: the villages it leads (PAIRED_WITH points
// strong → weak; role 'as_strong') and the villages that lead it (role 'as_weak'),
// ordered by role, then the partner's code.
// params:
// - $village_code: village code; required
// columns: role ('as_strong' | 'as_weak': the role of $village_code), code, name (the partner
//   village), since (int: first year), kind ('strong_weak' | 'twinning' | null)
// No rows for a village without pairings, or an unknown code.
// example: village_code="520628101001"
MATCH (s:Village)-[p:PAIRED_WITH]->(w:Village)
WHERE s.code = $village_code OR w.code = $village_code
RETURN CASE WHEN s.code = $village_code THEN 'as_strong' ELSE 'as_weak' END AS role,
       CASE WHEN s.code = $village_code THEN w.code ELSE s.code END AS code,
       CASE WHEN s.code = $village_code THEN w.name ELSE s.name END AS name,
       p.since AS since, p.kind AS kind
ORDER BY role, code
