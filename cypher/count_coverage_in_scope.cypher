// Coverage of the industry chain in a division: for each metric, how many of the things in
// scope are covered, out of how many. Things count where they are: cooperatives and bases by
// the village they are LOCATED_IN, households by the village they LIVE_IN.
//   cooperative_party_org   cooperatives a party organization runs (RUNS from a Branch, 支部办合作社)
//                           or leads (LEADS from a JointCommittee) / all cooperatives
//   demo_point_party_org    the same over 村社合一 demonstration points (demo_point = true)
//   poor_households_driven  poor households with an incoming DRIVES / poor households
//   households_driven       households with an incoming DRIVES / all households
//   bases_linked            bases with an outgoing LINKS to a member / all bases
//   poor_chain_complete     poor households with at least one complete chain, the five links of the
//                           slogan: household <-DRIVES- member <-LINKS- base <-BUILDS- cooperative or
//                           company <-RUNS- branch or <-LEADS- joint committee / poor households
//   poor_chain_joint_committee  poor households with a complete chain whose organization is, or is
//                           under (UNDER*1..8), a JointCommittee (联合党委) / poor households
// params:
// - $scope: division code prefix; required (2-digit province, 4 prefecture, 6 county, 9 town, 12 village)
// columns: metric (string), covered (int), total (int), ratio (float: covered / total; null when total is 0)
// Four independent parts joined by UNION ALL, so the rows come in this order: cooperative_party_org,
// demo_point_party_org, households_driven, bases_linked, poor_households_driven, poor_chain_complete,
// poor_chain_joint_committee.
// Rules of its shape (why, with timings: docs/benchmarks.md, "the coverage query"): each part
// aggregates on its own (no chain of WITHs carrying every count); poor households are matched with
// an inline {poor: true} and counted as count(DISTINCT) over plain patterns, never with an EXISTS
// beside a read of h.poor; the chain test is made once per cooperative or company on the path, not
// once per household; the later OPTIONAL MATCHes of the last part keep its counts when nothing matches.
// example: scope="520628"
MATCH (c:Cooperative)-[:LOCATED_IN]->(cv:Village)
WHERE cv.code STARTS WITH $scope
WITH c, EXISTS { MATCH (:Branch)-[:RUNS]->(c) } OR EXISTS { MATCH (:JointCommittee)-[:LEADS]->(c) } AS run
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
WITH count(h) AS households, count(CASE WHEN driven THEN 1 END) AS households_driven
RETURN 'households_driven' AS metric, households_driven AS covered, households AS total,
       CASE WHEN households = 0 THEN null ELSE 1.0 * households_driven / households END AS ratio
UNION ALL
MATCH (b:Base)-[:LOCATED_IN]->(bv:Village)
WHERE bv.code STARTS WITH $scope
WITH b, EXISTS { MATCH (b)-[:LINKS]->(:PartyMember) } AS linked
WITH count(b) AS bases, count(CASE WHEN linked THEN 1 END) AS bases_linked
RETURN 'bases_linked' AS metric, bases_linked AS covered, bases AS total,
       CASE WHEN bases = 0 THEN null ELSE 1.0 * bases_linked / bases END AS ratio
UNION ALL
MATCH (p:Household {poor: true})-[:LIVES_IN]->(pv:Village)
WHERE pv.code STARTS WITH $scope
WITH count(p) AS poor
OPTIONAL MATCH (:PartyMember)-[:DRIVES]->(d:Household {poor: true})-[:LIVES_IN]->(dv:Village)
WHERE dv.code STARTS WITH $scope
WITH poor, count(DISTINCT d) AS poor_driven
OPTIONAL MATCH (o:Cooperative|Company)-[:BUILDS]->(:Base)-[:LINKS]->(:PartyMember)-[:DRIVES]->
               (q:Household {poor: true})-[:LIVES_IN]->(qv:Village)
WHERE qv.code STARTS WITH $scope
  AND (EXISTS { MATCH (o)<-[:RUNS]-(:Branch) } OR EXISTS { MATCH (o)<-[:LEADS]-(:JointCommittee) })
WITH poor, poor_driven, count(DISTINCT q) AS poor_complete
OPTIONAL MATCH (o:Cooperative|Company)-[:BUILDS]->(:Base)-[:LINKS]->(:PartyMember)-[:DRIVES]->
               (q:Household {poor: true})-[:LIVES_IN]->(qv:Village)
WHERE qv.code STARTS WITH $scope
  AND (EXISTS { MATCH (o)<-[:RUNS]-(:Branch)-[:UNDER*1..8]->(:JointCommittee) }
       OR EXISTS { MATCH (o)<-[:LEADS]-(:JointCommittee) })
WITH poor, poor_driven, poor_complete, count(DISTINCT q) AS poor_jc
UNWIND [
  {metric: 'poor_households_driven', covered: poor_driven, total: poor},
  {metric: 'poor_chain_complete', covered: poor_complete, total: poor},
  {metric: 'poor_chain_joint_committee', covered: poor_jc, total: poor}
] AS m
RETURN m.metric AS metric, m.covered AS covered, m.total AS total,
       CASE WHEN m.total = 0 THEN null ELSE 1.0 * m.covered / m.total END AS ratio
