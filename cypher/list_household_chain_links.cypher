// The links the leadership chains of one household are made of, one row per link (the pieces of
// list_household_chains, which partychain.services.household_chains assembles into the same rows):
//   hop 'member'           a = member driving the household (DRIVES), b = the household
//   hop 'base'             a = member, b = base linked to it (LINKS)
//   hop 'owner'            a = base, b = cooperative or company that built it (BUILDS)
//   hop 'org'              a = owner, b = party organization that runs it (RUNS, from a branch) or
//                          leads it (LEADS, from a joint committee)
//   hop 'general_branch'   a = org, b = GeneralBranch above it (UNDER*1..8)
//   hop 'joint_committee'  a = org, b = JointCommittee above it (UNDER*1..8), or the org itself
//                          when it is a joint committee (UNDER*0..8)
//   hop 'town_committee'   a = org, b = TownCommittee above it (UNDER*1..8)
// Only links on a path from the household are listed. Every part is a plain MATCH anchored on the
// household's key (an OPTIONAL MATCH becomes a hash join over the whole relationship table in
// LadybugDB 0.22: docs/benchmarks.md, "leadership chains").
// No rows for a household no member drives, or an unknown id.
// (hop 'member' returns the household as b, not m.id twice: LadybugDB 0.22 mixes up the columns of
// the later UNION parts when the first part returns one expression twice.)
// params:
// - $household_id: id; required (a Household id)
// columns: hop (string, above), a, b (strings: the link's two ends)
// example: household_id="HH-1"
MATCH (h:Household)<-[:DRIVES]-(m:PartyMember)
WHERE h.id = $household_id
RETURN 'member' AS hop, m.id AS a, h.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(m:PartyMember)<-[:LINKS]-(b:Base)
WHERE h.id = $household_id
RETURN 'base' AS hop, m.id AS a, b.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(b:Base)<-[:BUILDS]-(o)
WHERE h.id = $household_id
RETURN 'owner' AS hop, b.id AS a, o.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(o)<-[:RUNS|LEADS]-(r)
WHERE h.id = $household_id
RETURN 'org' AS hop, o.id AS a, r.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
      <-[:RUNS|LEADS]-(r)-[:UNDER*1..8]->(g:GeneralBranch)
WHERE h.id = $household_id
RETURN 'general_branch' AS hop, r.id AS a, g.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
      <-[:RUNS|LEADS]-(r)-[:UNDER*0..8]->(j:JointCommittee)
WHERE h.id = $household_id
RETURN 'joint_committee' AS hop, r.id AS a, j.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
      <-[:RUNS|LEADS]-(r)-[:UNDER*1..8]->(t:TownCommittee)
WHERE h.id = $household_id
RETURN 'town_committee' AS hop, r.id AS a, t.id AS b
