// Counts the party members and households living in a division, and the poor households.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: party_members, households, poor_households (int)
// example: scope="520628101"
OPTIONAL MATCH (m:PartyMember)-[:LIVES_IN]->(mv:Village) WHERE mv.code STARTS WITH $scope
WITH count(m) AS party_members
OPTIONAL MATCH (h:Household)-[:LIVES_IN]->(hv:Village) WHERE hv.code STARTS WITH $scope
RETURN party_members, count(h) AS households, count(CASE WHEN h.poor THEN 1 END) AS poor_households
