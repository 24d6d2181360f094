// The party-organization tree under an organization (县委 → 乡镇党委 → 联合党委 → 片区党总支 → 党支部 → 党小组):
// the organization itself (depth 0) and every organization under it via UNDER*1..8, each
// with its level and its parent, ordered by depth then id.
// params:
// - $org_id: id; required (a party organization's id, any level)
// columns: id, name, level ('county_committee' | 'town_committee' | 'joint_committee' | 'general_branch' |
//   'branch' | 'group', as in the party_orgs ledger table), kind, parent_id (null for a root),
//   depth (int: UNDER hops from $org_id)
// example: org_id="JC-1"
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
MATCH p = (n:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:UNDER*0..8]->(r)
OPTIONAL MATCH (n)-[:UNDER]->(parent:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch)
RETURN n.id AS id, n.name AS name, n.level AS level, n.kind AS kind, parent.id AS parent_id, length(p) AS depth
ORDER BY depth, id
