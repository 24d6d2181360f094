// Every link the leadership chains of all households are made of, one row per link, with the hops
// of list_household_chain_links (which lists the links of one household) but its first, 'member'
// (a member driving a household), which list_driven_households lists member by member: the load
// derives the chain index of every dataset version from both (partychain.storage.derived), and
// partychain.services.household_chains assembles a household's chains from the links it reaches:
//   hop 'base'             a = member, b = base linked to it (LINKS)
//   hop 'owner'            a = base, b = cooperative or company that built it (BUILDS)
//   hop 'org'              a = owner, b = party organization that runs it (RUNS) or leads it (LEADS)
//   hop 'general_branch'   a = org, b = GeneralBranch above it (UNDER*1..8)
//   hop 'joint_committee'  a = org, b = JointCommittee above it (UNDER*1..8), or the org itself
//                          when it is a joint committee (UNDER*0..8)
//   hop 'town_committee'   a = org, b = TownCommittee above it (UNDER*1..8)
// A link may be listed more than once (one row per path); the links of members who drive nobody
// are listed too (no household reaches them).
// params: none
// columns: hop (string, above), a, b (strings: the link's two ends)
// example:
MATCH (m:PartyMember)<-[:LINKS]-(b:Base)
RETURN 'base' AS hop, m.id AS a, b.id AS b
UNION ALL
MATCH (b:Base)<-[:BUILDS]-(o)
RETURN 'owner' AS hop, b.id AS a, o.id AS b
UNION ALL
MATCH (:Base)<-[:BUILDS]-(o)<-[:RUNS|LEADS]-(r)
RETURN DISTINCT 'org' AS hop, o.id AS a, r.id AS b
UNION ALL
MATCH (:Base)<-[:BUILDS]-(:Cooperative|Company)<-[:RUNS|LEADS]-(r)-[:UNDER*1..8]->(g:GeneralBranch)
RETURN DISTINCT 'general_branch' AS hop, r.id AS a, g.id AS b
UNION ALL
MATCH (:Base)<-[:BUILDS]-(:Cooperative|Company)<-[:RUNS|LEADS]-(r)-[:UNDER*0..8]->(j:JointCommittee)
RETURN DISTINCT 'joint_committee' AS hop, r.id AS a, j.id AS b
UNION ALL
MATCH (:Base)<-[:BUILDS]-(:Cooperative|Company)<-[:RUNS|LEADS]-(r)-[:UNDER*1..8]->(t:TownCommittee)
RETURN DISTINCT 'town_committee' AS hop, r.id AS a, t.id AS b
