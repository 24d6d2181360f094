// Counts cooperatives located in a division, with and without a party organization running
// them (a RUNS from a branch or a LEADS from a joint committee), and the 村社合一 demonstration points
// among them.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: cooperatives, cooperatives_with_party_org, demo_points, demo_points_with_party_org (int)
// example: scope="520628"
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
WITH c, EXISTS { MATCH (:Branch)-[:RUNS]->(c) } OR EXISTS { MATCH (:JointCommittee)-[:LEADS]->(c) } AS run
RETURN count(c) AS cooperatives,
       count(CASE WHEN run THEN 1 END) AS cooperatives_with_party_org,
       count(CASE WHEN c.demo_point THEN 1 END) AS demo_points,
       count(CASE WHEN c.demo_point AND run THEN 1 END) AS demo_points_with_party_org
