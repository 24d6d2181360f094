// Counts the instances of the four linkage models of the county report in a division; each
// model is defined (with what one instance is and where it counts) in the header of its list
// query:
//   jc_coop_poor                              list_model_jc_coop_poor
//   branch_specialized_coop_collective_poor   list_model_branch_specialized_coop_collective_poor
//   branch_company_collective_households      list_model_branch_company_collective_households
//   village_branch_industry_group             list_model_village_branch_industry_group
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: model (string, the names above, in that order), instances (int)
// example: scope="520628"
OPTIONAL MATCH (j:JointCommittee)-[:LEADS]->(c1:Cooperative)-[:LOCATED_IN]->(v1:Village)
WHERE v1.code STARTS WITH $scope
  AND EXISTS { MATCH (h1:Household)-[:JOINED]->(c1) WHERE h1.poor }
WITH DISTINCT j, c1
WITH count(c1) AS m1
OPTIONAL MATCH (b2:Branch)-[:RUNS]->(c2:Cooperative)-[:LOCATED_IN]->(v2:Village)
WHERE v2.code STARTS WITH $scope AND c2.kind = 'specialized'
  AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(c2) }
  AND EXISTS { MATCH (h2:Household)-[:JOINED]->(c2) WHERE h2.poor }
WITH DISTINCT m1, b2, c2
WITH m1, count(c2) AS m2
OPTIONAL MATCH (p3:Company)-[:LOCATED_IN]->(v3:Village)
WHERE v3.code STARTS WITH $scope
  AND EXISTS { MATCH (:Village)-[:HOLDS_SHARE]->(p3) }
  AND (EXISTS { MATCH (p3)-[:BUILDS]->(:Base)<-[:EMPLOYED_AT]-(:Household) }
       OR EXISTS { MATCH (p3)-[:CONTRACTS]->(:Cooperative)<-[:JOINED]-(:Household) })
OPTIONAL MATCH (b31:Branch)-[:RUNS]->(p3)
WITH m1, m2, p3, collect(DISTINCT b31.id) AS own
OPTIONAL MATCH (b32:Branch)-[:COVERS]->(:Village)-[:HOLDS_SHARE]->(p3)
WHERE b32.kind = 'village'
WITH m1, m2, p3, own, collect(DISTINCT b32.id) AS through_shares
OPTIONAL MATCH (b33:Branch)-[:RUNS]->(:Cooperative)<-[:CONTRACTS]-(p3)
WHERE b33.kind = 'village'
WITH m1, m2, p3, own, through_shares, collect(DISTINCT b33.id) AS by_contract
WITH m1, m2, p3, own + through_shares + by_contract AS partners
// one row per company even without partners (and one row without companies), so m1 and m2 stay
UNWIND CASE WHEN size(partners) = 0 THEN [''] ELSE partners END AS bid
WITH DISTINCT m1, m2, p3, bid
WITH m1, m2, count(CASE WHEN bid <> '' THEN bid END) AS m3
OPTIONAL MATCH (g4:PartyGroup)-[:UNDER]->(b4:Branch)
WHERE g4.kind = 'industry' AND b4.kind = 'village' AND coalesce(g4.seat_code, b4.seat_code) STARTS WITH $scope
WITH m1, m2, m3, count(DISTINCT g4) AS m4
UNWIND [
  {model: 'jc_coop_poor', instances: m1},
  {model: 'branch_specialized_coop_collective_poor', instances: m2},
  {model: 'branch_company_collective_households', instances: m3},
  {model: 'village_branch_industry_group', instances: m4}
] AS m
RETURN m.model AS model, m.instances AS instances
