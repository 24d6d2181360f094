// Every division the graph holds (county, town, village), in code order. The load derives the index of
// divisions of every dataset version from it (partychain.storage.derived), and
// partychain.services.check_scope answers from that index whether a scope exists and what it names
// (get_division and count_divisions_in_scope ask the graph for one scope).
// params: none
// columns: code, name, level ('county' | 'town' | 'village'), kind
// example:
MATCH (d:County|Town|Village)
RETURN d.code AS code, d.name AS name, d.level AS level, d.kind AS kind
ORDER BY code
