// Sums the person-times of employment at bases located in a division, per year.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: year (int), person_times (int), households (int: distinct households employed)
// example: scope="520628"
MATCH (v:Village)<-[:LOCATED_IN]-(b:Base)<-[e:EMPLOYED_AT]-(h:Household)
WHERE v.code STARTS WITH $scope
RETURN e.year AS year, sum(e.person_times) AS person_times, count(DISTINCT h) AS households
ORDER BY year
