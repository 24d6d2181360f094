// Leadership chains of one household (党员带农户 ← 基地联党员 ← 合作社建基地 ← 支部办合作社 ← 联合党委):
// one row per distinct path
//   household <-DRIVES- member <-LINKS- base <-BUILDS- owner (Cooperative or Company) <-RUNS- branch
// with the GeneralBranch and the JointCommittee above the branch up the UNDER tree (UNDER*1..8;
// the ledger puts a general branch only under a joint committee, so there is at most one of each).
// Where the chain breaks, the rest of its row is null: a member linked to no base gives member_id
// and five nulls; an owner no branch runs gives a null branch_id (and null general branch).
// A branch directly under a joint committee has no general branch (general_branch_id null).
// joint_committee_id: the JointCommittee above the branch; when the chain has no
// branch, or its branch is under no joint committee, a JointCommittee that LEADS the owning
// cooperative directly (联合党委+合作社); else null.
// A household no member drives has no chain: no rows (likewise an unknown id; use get_household
// to tell the two apart).
// params:
// - $household_id: id; required (a Household id)
// columns: member_id, base_id, owner_id, branch_id, general_branch_id, joint_committee_id
//   (strings; null where the chain breaks)
// example: household_id="HH-1"
MATCH (h:Household)<-[:DRIVES]-(m:PartyMember)
WHERE h.id = $household_id
OPTIONAL MATCH (m)<-[:LINKS]-(b:Base)
// (o) is left unlabeled: BUILDS only comes from a Cooperative or a Company, and LadybugDB 0.22 fails
// ("unordered_map::at") on the next OPTIONAL MATCH when a null (o:Cooperative|Company) is labeled.
OPTIONAL MATCH (b)<-[:BUILDS]-(o)
OPTIONAL MATCH (o)<-[:RUNS]-(br:Branch)
OPTIONAL MATCH (br)-[:UNDER*1..8]->(g:GeneralBranch)
OPTIONAL MATCH (br)-[:UNDER*1..8]->(j:JointCommittee)
OPTIONAL MATCH (o)<-[:LEADS]-(lj:JointCommittee)
RETURN DISTINCT m.id AS member_id, b.id AS base_id, o.id AS owner_id, br.id AS branch_id,
       g.id AS general_branch_id, coalesce(j.id, lj.id) AS joint_committee_id
ORDER BY member_id, base_id, owner_id, branch_id, joint_committee_id
