// Every village, with the pairings (强村带弱村 / 结对帮扶) it leads: one row per PAIRED_WITH
// relationship (strong → weak), and one row with null weak_code for a village that leads none. The
// load derives every village's pairings, both ways, from it (partychain.storage.derived), and
// partychain.services.pairings answers from them (list_village_pairings asks the graph for one village).
// params: none
// columns: code, name (the village, strong end of the pairing), weak_code, weak_name (the weak village;
//   null when the village leads none), since (int: first year), kind ('strong_weak' | 'twinning' | null)
// example:
MATCH (s:Village)
OPTIONAL MATCH (s)-[p:PAIRED_WITH]->(w:Village)
RETURN s.code AS code, s.name AS name, w.code AS weak_code, w.name AS weak_name, p.since AS since,
       p.kind AS kind
