// Counts the distinct work rules (工作制度) the cooperatives' party organizations of a division have
// adopted (ADOPTED): the organizations that run (RUNS) or lead (LEADS) a cooperative located in the
// division, and the cooperative joint branches (合作社联合党支部) seated in it. A rule counts once
// however many organizations adopted it. Also: how many such organizations there are, and how many
// adopted at least one rule.
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: work_rules (int), organizations (int), organizations_with_rules (int)
// example: scope="520628"
MATCH (o:Branch|JointCommittee)
WHERE (o.kind = 'cooperative_joint' AND o.seat_code STARTS WITH $scope)
   OR EXISTS { MATCH (o)-[:RUNS|LEADS]->(:Cooperative)-[:LOCATED_IN]->(v:Village) WHERE v.code STARTS WITH $scope }
OPTIONAL MATCH (o)-[:ADOPTED]->(r:WorkRule)
RETURN count(DISTINCT r) AS work_rules, count(DISTINCT o) AS organizations,
       count(DISTINCT CASE WHEN r IS NOT NULL THEN o.id END) AS organizations_with_rules
