// The organization graph's relationships in a scope: party organizations UNDER their parents,
// organizations that COVER villages, joint committees that LEAD cooperatives, branches that RUN
// cooperatives or companies, cooperatives and companies that BUILD bases, and cooperatives,
// companies and bases LOCATED_IN villages. A relationship is in the scope when its lower end
// is: the child organization's seat_code (UNDER), the covered village (COVERS), the village the
// cooperative, company or base is located in (LEADS, RUNS, BUILDS, LOCATED_IN). So a scope
// brings the organizations above it along.
// params:
// - $scope: division code prefix or ''; required ('' for everything)
// columns: source_id, rel ('UNDER' | 'COVERS' | 'LEADS' | 'RUNS' | 'BUILDS' | 'LOCATED_IN'),
//   target_id (strings; villages by code, everything else by id); unordered
// example: scope="520628102"
MATCH (c:TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:UNDER]->(p:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch)
WHERE coalesce(c.seat_code, '') STARTS WITH $scope
RETURN c.id AS source_id, 'UNDER' AS rel, p.id AS target_id
UNION ALL
MATCH (o:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:COVERS]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN o.id AS source_id, 'COVERS' AS rel, v.code AS target_id
UNION ALL
MATCH (j:JointCommittee)-[:LEADS]->(c:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN j.id AS source_id, 'LEADS' AS rel, c.id AS target_id
UNION ALL
MATCH (b:Branch)-[:RUNS]->(c:Cooperative|Company)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN b.id AS source_id, 'RUNS' AS rel, c.id AS target_id
UNION ALL
MATCH (o:Cooperative|Company)-[:BUILDS]->(b:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN o.id AS source_id, 'BUILDS' AS rel, b.id AS target_id
UNION ALL
MATCH (n:Cooperative|Company|Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope
RETURN n.id AS source_id, 'LOCATED_IN' AS rel, v.code AS target_id
