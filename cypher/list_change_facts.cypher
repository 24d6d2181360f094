// What one year's graph says of a division, as facts to match by id against another year's
// (`partychain diff`, GET /api/v1/changes): one row per fact, by kind:
//   village          a village of the division (detail: its name; a code whose name changed between
//                    two years is a re-used code, reported and not matched)
//   org              a party organization seated in the division (detail: its label)
//   cooperative_run  a cooperative located there that a Branch RUNS
//   base_linked      a base located there with an outgoing LINKS to a member
//   household_driven a household living there with an incoming DRIVES
//   poor             a poor household living there (n: its poverty exit year, 0 while it has none)
//   poor_complete    a poor household living there with a complete chain, the five links: driven by a
//                    member linked to a base of a cooperative or company that a Branch RUNS or a
//                    JointCommittee LEADS (as poor_chain_complete in count_coverage_in_scope)
//   member           a party member living there (n: households the member DRIVES)
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: kind (string, above), id (string), village_code (string: where it is; for an org its seat),
//   detail (string; '' when the kind has none), n (int; 0 when the kind has none)
// The villages come last: LadybugDB 0.22 gives a UNION's later parts the wrong columns when its first
// part returns one expression twice (v.code AS id, v.code AS village_code).
// example: scope="520628101"
MATCH (o:JointCommittee)
WHERE o.seat_code STARTS WITH $scope
RETURN 'org' AS kind, o.id AS id, o.seat_code AS village_code, 'JointCommittee' AS detail, 0 AS n
UNION ALL
MATCH (o:GeneralBranch)
WHERE o.seat_code STARTS WITH $scope
RETURN 'org' AS kind, o.id AS id, o.seat_code AS village_code, 'GeneralBranch' AS detail, 0 AS n
UNION ALL
MATCH (o:Branch)
WHERE o.seat_code STARTS WITH $scope
RETURN 'org' AS kind, o.id AS id, o.seat_code AS village_code, 'Branch' AS detail, 0 AS n
UNION ALL
MATCH (o:PartyGroup)
WHERE o.seat_code STARTS WITH $scope
RETURN 'org' AS kind, o.id AS id, o.seat_code AS village_code, 'PartyGroup' AS detail, 0 AS n
UNION ALL
MATCH (c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND EXISTS { MATCH (:Branch)-[:RUNS]->(c) }
RETURN 'cooperative_run' AS kind, c.id AS id, v.code AS village_code, '' AS detail, 0 AS n
UNION ALL
MATCH (b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND EXISTS { MATCH (b)-[:LINKS]->(:PartyMember) }
RETURN 'base_linked' AS kind, b.id AS id, v.code AS village_code, '' AS detail, 0 AS n
UNION ALL
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) }
RETURN 'household_driven' AS kind, h.id AS id, v.code AS village_code, '' AS detail, 0 AS n
UNION ALL
MATCH (h:Household {poor: true})-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN 'poor' AS kind, h.id AS id, v.code AS village_code, '' AS detail,
       coalesce(h.poverty_exit_year, 0) AS n
UNION ALL
MATCH (o:Cooperative|Company)-[:BUILDS]->(:Base)-[:LINKS]->(:PartyMember)-[:DRIVES]->
      (q:Household {poor: true})-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
  AND (EXISTS { MATCH (o)<-[:RUNS]-(:Branch) } OR EXISTS { MATCH (o)<-[:LEADS]-(:JointCommittee) })
WITH DISTINCT q, v
RETURN 'poor_complete' AS kind, q.id AS id, v.code AS village_code, '' AS detail, 0 AS n
UNION ALL
MATCH (m:PartyMember)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (m)-[:DRIVES]->(h:Household)
RETURN 'member' AS kind, m.id AS id, v.code AS village_code, '' AS detail, count(h) AS n
UNION ALL
MATCH (v:Village)
WHERE v.code STARTS WITH $scope
RETURN 'village' AS kind, v.code AS id, v.code AS village_code, v.name AS detail, 0 AS n
