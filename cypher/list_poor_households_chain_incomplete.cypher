// Gap list behind poor_chain_complete: poor households living in a division none of whose
// leadership chains (see list_household_chains) is complete, paged in id order, with where the
// furthest chain stops:
//   'member'          no member drives the household
//   'base'            its members are linked to no base
//   'party_org'       no branch runs, and no joint committee leads, the bases' owners
// Heads' names are personal data, kept in the personal-data store (by id), not in the graph.
// params:
// - $scope: division code prefix or ''; required (2, 4, 6, 9 or 12 digits; '' for every village)
// - $skip: int >= 0 <= 100000000; required (rows to skip)
// - $limit: int >= 1 <= 100000; required (page size)
// columns: id, village_code, village_name, breaks_at (string, above),
//   total (int: all gaps in scope, the same on every row; a page past the end has no rows)
// records: Household
// example: scope="520628", skip=0, limit=10
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND h.poor
  AND NOT EXISTS { MATCH (h)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
                         <-[:RUNS|LEADS]-() }
WITH count(*) AS total
MATCH (h:Household)-[:LIVES_IN]->(v:Village)
WHERE v.code STARTS WITH $scope AND h.poor
  AND NOT EXISTS { MATCH (h)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base)<-[:BUILDS]-(:Cooperative|Company)
                         <-[:RUNS|LEADS]-() }
WITH total, h, v,
     CASE
       WHEN NOT EXISTS { MATCH (h)<-[:DRIVES]-(:PartyMember) } THEN 'member'
       WHEN NOT EXISTS { MATCH (h)<-[:DRIVES]-(:PartyMember)<-[:LINKS]-(:Base) } THEN 'base'
       ELSE 'party_org'
     END AS breaks_at
RETURN h.id AS id, v.code AS village_code, v.name AS village_name, breaks_at AS breaks_at,
       total
ORDER BY id
SKIP $skip
LIMIT $limit
