// The party branches (党支部) seated in a division and the monthly party-member activity days
// (党员活动日: meetings of kind activity_day) each has held, one row per branch and meeting; a
// branch that held none has one row with a null date. partychain.services.activity_days counts from
// these which branches held one in every month of a year.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: org_id (string), date (date or null); unordered
// example: scope="520628101"
MATCH (b:Branch)
WHERE b.seat_code STARTS WITH $scope
OPTIONAL MATCH (b)-[:HELD]->(m:Meeting)
WHERE m.kind = 'activity_day'
RETURN b.id AS org_id, m.date AS date
