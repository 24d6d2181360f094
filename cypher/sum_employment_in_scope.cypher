// Sums the person-times of employment at bases located in a division, per year.
// params:
// - $scope: division code (county, town or village); required
// columns: year (int), person_times (int), households (int: distinct households employed)
MATCH (v:Village)<-[:LOCATED_IN]-(b:Base)<-[e:EMPLOYED_AT]-(h:Household)
WHERE v.code STARTS WITH $scope
RETURN e.year AS year, sum(e.person_times) AS person_times, count(DISTINCT h) AS households
ORDER BY year
