// Villages with what the pairing and cooperation analyses attach to them: town and county,
// households living there and how many a party member drives (党员带农户), poor households and
// how many are driven, cooperatives located there and how many a branch runs, and the industries
// of the cooperatives, companies and bases located there. One row per village in the scope or
// listed in $codes (the far ends of pairings that cross the scope's border).
// params:
// - $scope: division code prefix or ''; required ('' for every village)
// - $codes: list of division codes; required (village codes to include besides the scope; may be empty)
// columns: code, name, kind, town_code, town_name, county_code (strings; county_code null when the
//   town is in no county), households, households_driven, poor_households, poor_driven,
//   cooperatives, cooperatives_run (ints), industries (list of industry codes, possibly empty)
// example: scope="520628102", codes=["520628101001"]
MATCH (v:Village)-[:PART_OF]->(t:Town)
WHERE v.code STARTS WITH $scope OR v.code IN $codes
OPTIONAL MATCH (t)-[:PART_OF]->(c:County)
OPTIONAL MATCH (h:Household)-[:LIVES_IN]->(v)
WITH v, t, c, h, EXISTS { MATCH (:PartyMember)-[:DRIVES]->(h) } AS driven
WITH v, t, c, count(h) AS households, count(CASE WHEN driven THEN 1 END) AS households_driven,
     count(CASE WHEN h.poor THEN 1 END) AS poor_households,
     count(CASE WHEN h.poor AND driven THEN 1 END) AS poor_driven
OPTIONAL MATCH (co:Cooperative)-[:LOCATED_IN]->(v)
WITH v, t, c, households, households_driven, poor_households, poor_driven, co,
     EXISTS { MATCH (:Branch)-[:RUNS]->(co) } AS run
WITH v, t, c, households, households_driven, poor_households, poor_driven,
     count(co) AS cooperatives, count(CASE WHEN run THEN 1 END) AS cooperatives_run
OPTIONAL MATCH (x:Cooperative|Company|Base)-[:LOCATED_IN]->(v)
OPTIONAL MATCH (x)-[:IN_INDUSTRY]->(i:Industry)
RETURN v.code AS code, v.name AS name, v.kind AS kind, t.code AS town_code, t.name AS town_name,
       c.code AS county_code, households, households_driven, poor_households, poor_driven,
       cooperatives, cooperatives_run, collect(DISTINCT i.code) AS industries
ORDER BY code
