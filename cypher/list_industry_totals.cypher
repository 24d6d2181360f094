// Per-industry totals in a division (every industry of the ledger, zeros included): cooperatives,
// companies and bases located in the division that work in it (IN_INDUSTRY), the bases' summed
// scale in the industry's unit (the loader gives a base without a unit its industry's and refuses
// another; a base whose unit differs all the same is counted in bases, left out of scale), and
// the households employed at those bases (distinct, any year) with their person-times.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: code, name, unit (the industry's), cooperatives, companies, bases (int),
//   scale (float: 0.0 when no base; `+ 0.0` because Neo4j sums no values to the integer 0),
//   households_employed, person_times (int), ordered by code
// example: scope="520628"
MATCH (i:Industry)
OPTIONAL MATCH (i)<-[:IN_INDUSTRY]-(c:Cooperative)-[:LOCATED_IN]->(cv:Village)
WHERE cv.code STARTS WITH $scope
WITH i, count(DISTINCT c) AS cooperatives
OPTIONAL MATCH (i)<-[:IN_INDUSTRY]-(p:Company)-[:LOCATED_IN]->(pv:Village)
WHERE pv.code STARTS WITH $scope
WITH i, cooperatives, count(DISTINCT p) AS companies
OPTIONAL MATCH (i)<-[:IN_INDUSTRY]-(b:Base)-[:LOCATED_IN]->(bv:Village)
WHERE bv.code STARTS WITH $scope
WITH i, cooperatives, companies, count(b) AS bases,
     sum(CASE WHEN coalesce(b.unit, i.unit) = i.unit THEN b.scale END) AS scale
OPTIONAL MATCH (i)<-[:IN_INDUSTRY]-(eb:Base)-[:LOCATED_IN]->(ev:Village)
WHERE ev.code STARTS WITH $scope
OPTIONAL MATCH (eb)<-[e:EMPLOYED_AT]-(h:Household)
RETURN i.code AS code, i.name AS name, i.unit AS unit, cooperatives, companies, bases,
       coalesce(scale + 0.0, 0.0) AS scale, count(DISTINCT h) AS households_employed,
       coalesce(sum(e.person_times), 0) AS person_times
ORDER BY code
