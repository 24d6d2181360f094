// Counts the party organizations seated in a division: an organization counts where its
// seat_code is, so a town's count includes organizations seated in its villages.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: joint_committees, general_branches, branches, cooperative_joint_branches,
//   party_groups (all int)
// example: scope="520628"
OPTIONAL MATCH (j:JointCommittee) WHERE j.seat_code STARTS WITH $scope
WITH count(j) AS joint_committees
OPTIONAL MATCH (g:GeneralBranch) WHERE g.seat_code STARTS WITH $scope
WITH joint_committees, count(g) AS general_branches
OPTIONAL MATCH (b:Branch) WHERE b.seat_code STARTS WITH $scope
WITH joint_committees, general_branches, count(b) AS branches,
     count(CASE WHEN b.kind = 'cooperative_joint' THEN 1 END) AS cooperative_joint_branches
OPTIONAL MATCH (p:PartyGroup) WHERE p.seat_code STARTS WITH $scope
RETURN joint_committees, general_branches, branches, cooperative_joint_branches, count(p) AS party_groups
