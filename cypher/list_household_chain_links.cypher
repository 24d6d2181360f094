// The links the leadership chains of one household are made of, one row per link (the pieces of
// list_household_chains, which partychain.services.household_chains assembles into the same rows):
//   hop 'member'           a = member driving the household (DRIVES), b = the household
//   hop 'base'             a = member, b = base linked to it (LINKS)
//   hop 'owner'            a = base, b = cooperative or company that built it (BUILDS)
//   hop 'branch'           a = owner, b = branch running it (RUNS)
//   hop 'general_branch'   a = branch, b = GeneralBranch above it (UNDER*1..8)
//   hop 'joint_committee'  a = branch, b = JointCommittee above it (UNDER*1..8)
//   hop 'leads'            a = cooperative, b = JointCommittee leading it (LEADS)
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
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(o)<-[:RUNS]-(br:Branch)
WHERE h.id = $household_id
RETURN 'branch' AS hop, o.id AS a, br.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
      <-[:RUNS]-(br:Branch)-[:UNDER*1..8]->(g:GeneralBranch)
WHERE h.id = $household_id
RETURN 'general_branch' AS hop, br.id AS a, g.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
      <-[:RUNS]-(br:Branch)-[:UNDER*1..8]->(j:JointCommittee)
WHERE h.id = $household_id
RETURN 'joint_committee' AS hop, br.id AS a, j.id AS b
UNION ALL
MATCH (h:Household)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(o:Cooperative)<-[:LEADS]-(lj:JointCommittee)
WHERE h.id = $household_id
RETURN 'leads' AS hop, o.id AS a, lj.id AS b
