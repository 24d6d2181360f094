// Leadership chains of one household (党员带农户 ← 基地联党员 ← 合作社建基地 ← 支部办合作社 ← 联合建党委):
// one row per distinct path
//   household <-DRIVES- member <-LINKS- base <-BUILDS- owner (Cooperative or Company)
//             <-RUNS- branch or <-LEADS- joint committee (the org)
// with the GeneralBranch, the JointCommittee and the TownCommittee above the org up the UNDER tree
// (UNDER*1..8; a joint committee that leads the owner is its own joint_committee_id).
// A chain is complete when it reaches the org (all five links of the slogan); where it breaks, the
// rest of its row is null: a member linked to no base gives member_id and six nulls; an owner no
// party organization runs or leads gives a null org_id and nulls above it.
// A household no member drives has no chain: no rows (likewise an unknown id; use get_household
// to tell the two apart). partychain.services.household_chains answers the same from
// list_household_chain_links, which both engines run faster.
// params:
// - $household_id: id; required (a Household id)
// columns: member_id, base_id, owner_id, org_id, general_branch_id, joint_committee_id, town_committee_id
//   (strings; null where the chain breaks or no such organization is above the org)
// example: household_id="HH-1"
MATCH (h:Household)<-[:DRIVES]-(m:PartyMember)
WHERE h.id = $household_id
OPTIONAL MATCH (m)<-[:LINKS]-(b:Base)
// (o) and (r) are left unlabeled: BUILDS only comes from a Cooperative or a Company, RUNS and LEADS only
// from a branch or joint committee; LadybugDB 0.22 fails ("unordered_map::at") on the next OPTIONAL MATCH
// when a null node bound with a label alternation is used again.
OPTIONAL MATCH (b)<-[:BUILDS]-(o)
OPTIONAL MATCH (o)<-[:RUNS|LEADS]-(r)
OPTIONAL MATCH (r)-[:UNDER*1..8]->(g:GeneralBranch)
OPTIONAL MATCH (r)-[:UNDER*0..8]->(j:JointCommittee)
OPTIONAL MATCH (r)-[:UNDER*1..8]->(t:TownCommittee)
RETURN DISTINCT m.id AS member_id, b.id AS base_id, o.id AS owner_id, r.id AS org_id,
       g.id AS general_branch_id, j.id AS joint_committee_id, t.id AS town_committee_id
ORDER BY member_id, base_id, owner_id, org_id, joint_committee_id
