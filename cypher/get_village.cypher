// A village's profile: its town, kind, collective income by year (村级集体经济), how many
// cooperatives, companies and bases are located in it, how many households (and poor households)
// and party members live in it, how many party organizations cover it, and its pairings.
// params:
// - $village_code: village code; required
// columns: code, name, kind, town_code, town_name,
//   incomes (list of {year: int, yuan: int}, in no particular order; empty when none recorded),
//   cooperatives, companies, bases, households, poor_households, members, covering_orgs,
//   pairings_as_strong, pairings_as_weak (all int)
// No row for an unknown code.
// example: village_code="520628101001"
MATCH (v:Village)
WHERE v.code = $village_code
OPTIONAL MATCH (v)-[:PART_OF]->(t:Town)
OPTIONAL MATCH (v)-[:HAS_INCOME]->(i:CollectiveIncome)
WITH v, t, collect(CASE WHEN i IS NOT NULL THEN {year: i.year, yuan: i.yuan} END) AS incomes
OPTIONAL MATCH (c:Cooperative)-[:LOCATED_IN]->(v)
WITH v, t, incomes, count(DISTINCT c) AS cooperatives
OPTIONAL MATCH (p:Company)-[:LOCATED_IN]->(v)
WITH v, t, incomes, cooperatives, count(DISTINCT p) AS companies
OPTIONAL MATCH (b:Base)-[:LOCATED_IN]->(v)
WITH v, t, incomes, cooperatives, companies, count(DISTINCT b) AS bases
OPTIONAL MATCH (h:Household)-[:LIVES_IN]->(v)
WITH v, t, incomes, cooperatives, companies, bases, count(h) AS households,
     count(CASE WHEN h.poor THEN 1 END) AS poor_households
OPTIONAL MATCH (m:PartyMember)-[:LIVES_IN]->(v)
WITH v, t, incomes, cooperatives, companies, bases, households, poor_households, count(m) AS members
OPTIONAL MATCH (o:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:COVERS]->(v)
WITH v, t, incomes, cooperatives, companies, bases, households, poor_households, members,
     count(DISTINCT o) AS covering_orgs
OPTIONAL MATCH (v)-[:PAIRED_WITH]->(weak:Village)
WITH v, t, incomes, cooperatives, companies, bases, households, poor_households, members, covering_orgs,
     count(DISTINCT weak) AS pairings_as_strong
OPTIONAL MATCH (strong:Village)-[:PAIRED_WITH]->(v)
RETURN v.code AS code, v.name AS name, v.kind AS kind, t.code AS town_code, t.name AS town_name, incomes,
       cooperatives, companies, bases, households, poor_households, members, covering_orgs,
       pairings_as_strong, count(DISTINCT strong) AS pairings_as_weak
