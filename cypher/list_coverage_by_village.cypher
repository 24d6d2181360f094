// The counts behind every coverage metric (count_coverage_in_scope), village by village, for the
// villages of a division, plus the party members living there and those who drive a household.
// Things count where they are, as in count_coverage_in_scope; a village with nothing of a part
// has no row for it (read it as 0). Summed over a town's villages the parts give the town's
// coverage (every cooperative, base, household and member is in exactly one village).
// Parts (n of):
//   cooperatives, cooperatives_run        cooperatives; those a Branch RUNS or a JointCommittee LEADS
//   demo_points, demo_points_run          the same over 村社合一 demonstration points
//   households, households_driven         households; those with an incoming DRIVES
//   bases, bases_linked                   bases; those with an outgoing LINKS to a member
//   poor, poor_driven, poor_complete      poor households; driven; with a complete chain (an organization
//                                         runs or leads the owner of a base of a member who drives them)
//   poor_jc                               poor households with a complete chain under a JointCommittee
//   members, members_driving              party members living there; those with an outgoing DRIVES
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: village_code (string), part (string, above), n (int)
// Shaped like count_coverage_in_scope (plain MATCHes, poor households matched by an inline
// {poor: true}, the chain test once per cooperative or company on the path), grouped by village.
// example: scope="520628101"
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
WITH v.code AS village_code, c,
     EXISTS { MATCH (:Branch)-[:RUNS]->(c) } OR EXISTS { MATCH (:JointCommittee)-[:LEADS]->(c) } AS run
WITH village_code, count(c) AS coops, count(CASE WHEN run THEN 1 END) AS coops_run,
     count(CASE WHEN c.demo_point THEN 1 END) AS demos,
     count(CASE WHEN c.demo_point AND run THEN 1 END) AS demos_run
UNWIND [
  {part: 'cooperatives', n: coops}, {part: 'cooperatives_run', n: coops_run},
  {part: 'demo_points', n: demos}, {part: 'demo_points_run', n: demos_run}
] AS x
RETURN village_code, x.part AS part, x.n AS n
UNION ALL
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
WITH v.code AS village_code, h, EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) } AS driven
WITH village_code, count(h) AS households, count(CASE WHEN driven THEN 1 END) AS households_driven
UNWIND [{part: 'households', n: households}, {part: 'households_driven', n: households_driven}] AS x
RETURN village_code, x.part AS part, x.n AS n
UNION ALL
MATCH (b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
WITH v.code AS village_code, b, EXISTS { MATCH (b)-[:LINKS]->(:PartyMember) } AS linked
WITH village_code, count(b) AS bases, count(CASE WHEN linked THEN 1 END) AS bases_linked
UNWIND [{part: 'bases', n: bases}, {part: 'bases_linked', n: bases_linked}] AS x
RETURN village_code, x.part AS part, x.n AS n
UNION ALL
MATCH (m:PartyMember)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
WITH v.code AS village_code, m, EXISTS { MATCH (m)-[:DRIVES]->(:Household) } AS driving
WITH village_code, count(m) AS members, count(CASE WHEN driving THEN 1 END) AS members_driving
UNWIND [{part: 'members', n: members}, {part: 'members_driving', n: members_driving}] AS x
RETURN village_code, x.part AS part, x.n AS n
UNION ALL
MATCH (p:Household {poor: true})-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN v.code AS village_code, 'poor' AS part, count(p) AS n
UNION ALL
MATCH (:PartyMember)-[:DRIVES]->(d:Household {poor: true})-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN v.code AS village_code, 'poor_driven' AS part, count(DISTINCT d) AS n
UNION ALL
MATCH (o:Cooperative|Company)-[:BUILDS]->(:Base)-[:LINKS]->(:PartyMember)-[:DRIVES]->
      (q:Household {poor: true})-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
  AND (EXISTS { MATCH (o)<-[:RUNS]-(:Branch) } OR EXISTS { MATCH (o)<-[:LEADS]-(:JointCommittee) })
RETURN v.code AS village_code, 'poor_complete' AS part, count(DISTINCT q) AS n
UNION ALL
MATCH (o:Cooperative|Company)-[:BUILDS]->(:Base)-[:LINKS]->(:PartyMember)-[:DRIVES]->
      (q:Household {poor: true})-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
  AND (EXISTS { MATCH (o)<-[:RUNS]-(:Branch)-[:UNDER*1..8]->(:JointCommittee) }
       OR EXISTS { MATCH (o)<-[:LEADS]-(:JointCommittee) })
RETURN v.code AS village_code, 'poor_jc' AS part, count(DISTINCT q) AS n
