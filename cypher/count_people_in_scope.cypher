// Counts the party members and households living in a division, and the poor households.
// params:
// - $scope: division code (county, town or village); required
// columns: party_members, households, poor_households (int)
OPTIONAL MATCH (m:PartyMember)-[:LIVES_IN]->(mv:Village) WHERE mv.code STARTS WITH $scope
WITH count(m) AS party_members
OPTIONAL MATCH (h:Household)-[:LIVES_IN]->(hv:Village) WHERE hv.code STARTS WITH $scope
RETURN party_members, count(h) AS households, count(CASE WHEN h.poor THEN 1 END) AS poor_households
