// Coverage of the industry chain in a division: for each metric, how many of the things in
// scope are covered, out of how many. Things count where they are: cooperatives and bases by
// the village they are LOCATED_IN, households by the village they LIVE_IN.
//   cooperative_party_org   cooperatives with an incoming RUNS from a Branch / all cooperatives
//   demo_point_party_org    the same over 村社合一 demonstration points (demo_point = true)
//   poor_households_driven  poor households with an incoming DRIVES / poor households
//   households_driven       households with an incoming DRIVES / all households
//   bases_linked            bases with an outgoing LINKS to a member / all bases
//   poor_chain_complete     poor households with at least one leadership chain reaching a
//                           JointCommittee (as in list_household_chains: DRIVES, LINKS, BUILDS,
//                           then RUNS from a branch under a joint committee, or LEADS from one)
//                           / poor households
// params:
// - $scope: division code prefix (2-digit province, 4 prefecture, 6 county, 9 town, 12 village); required
// columns: metric (string), covered (int), total (int), ratio (float: covered / total; null when total is 0)
// Four independent parts joined by UNION ALL (cooperatives, households, poor households' chains,
// bases): one chain of WITHs carrying every count through the next part cost LadybugDB 0.22 three
// times the sum of the parts at province scale (12.8 s against 3.8 s). Plain MATCHes
// (an aggregate over no rows is still one row of zeros) run faster than OPTIONAL MATCHes here.
MATCH (c:Cooperative)-[:LOCATED_IN]->(cv:Village)
WHERE cv.code STARTS WITH $scope
WITH c, EXISTS { MATCH (:Branch)-[:RUNS]->(c) } AS run
WITH count(c) AS coops, count(CASE WHEN run THEN 1 END) AS coops_run,
     count(CASE WHEN c.demo_point THEN 1 END) AS demos,
     count(CASE WHEN c.demo_point AND run THEN 1 END) AS demos_run
UNWIND [
  {metric: 'cooperative_party_org', covered: coops_run, total: coops},
  {metric: 'demo_point_party_org', covered: demos_run, total: demos}
] AS m
RETURN m.metric AS metric, m.covered AS covered, m.total AS total,
       CASE WHEN m.total = 0 THEN null ELSE 1.0 * m.covered / m.total END AS ratio
UNION ALL
MATCH (h:Household)-[:LIVES_IN]->(hv:Village)
WHERE hv.code STARTS WITH $scope
WITH h, EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) } AS driven
WITH count(h) AS households, count(CASE WHEN driven THEN 1 END) AS households_driven,
     count(CASE WHEN h.poor THEN 1 END) AS poor,
     count(CASE WHEN h.poor AND driven THEN 1 END) AS poor_driven
UNWIND [
  {metric: 'poor_households_driven', covered: poor_driven, total: poor},
  {metric: 'households_driven', covered: households_driven, total: households}
] AS m
RETURN m.metric AS metric, m.covered AS covered, m.total AS total,
       CASE WHEN m.total = 0 THEN null ELSE 1.0 * m.covered / m.total END AS ratio
UNION ALL
MATCH (b:Base)-[:LOCATED_IN]->(bv:Village)
WHERE bv.code STARTS WITH $scope
WITH b, EXISTS { MATCH (b)-[:LINKS]->(:PartyMember) } AS linked
WITH count(b) AS bases, count(CASE WHEN linked THEN 1 END) AS bases_linked
RETURN 'bases_linked' AS metric, bases_linked AS covered, bases AS total,
       CASE WHEN bases = 0 THEN null ELSE 1.0 * bases_linked / bases END AS ratio
UNION ALL
MATCH (q:Household)-[:LIVES_IN]->(qv:Village)
WHERE qv.code STARTS WITH $scope AND q.poor
WITH count(q) AS poor
OPTIONAL MATCH (p:Household)-[:LIVES_IN]->(pv:Village)
WHERE pv.code STARTS WITH $scope AND p.poor
  AND (EXISTS { MATCH (p)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
                      <-[:RUNS]-(:Branch)-[:UNDER*1..8]->(:JointCommittee) }
       OR EXISTS { MATCH (p)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative)
                         <-[:LEADS]-(:JointCommittee) })
WITH poor, count(p) AS poor_complete
RETURN 'poor_chain_complete' AS metric, poor_complete AS covered, poor AS total,
       CASE WHEN poor = 0 THEN null ELSE 1.0 * poor_complete / poor END AS ratio
