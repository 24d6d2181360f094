// The organization graph's nodes: party organizations seated in the scope, cooperatives,
// companies and bases located in a village of the scope, villages of the scope, and any of
// these whose id (code, for villages) is in $ids (the far ends of list_org_graph_edges).
// type is the node's label, written out per branch (labels(n) differs between engines). A county
// committee and a company have no kind: its null is spelled as a typed CASE, because LadybugDB types a bare null in a UNION
// branch as ANY and refuses it.
// params:
// - $scope: division code prefix or ''; required ('' for everything)
// - $ids: list of ids; required (ids or village codes to include besides the scope; may be empty)
// columns: id, type ('CountyCommittee' | 'TownCommittee' | 'JointCommittee' | 'GeneralBranch' | 'Branch' |
//   'PartyGroup' | 'Cooperative' | 'Company' | 'Base' | 'Village'), name, kind (strings; a base's kind is its unit; null where not
//   set), code (the division code the node is in: seat_code, the village it is located in, or the
//   village's own code; null when unknown); unordered
// example: scope="520628102", ids=["JC-1"]
MATCH (n:CountyCommittee)
WHERE coalesce(n.seat_code, '') STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'CountyCommittee' AS type, n.name AS name, CASE WHEN false THEN n.name END AS kind,
       n.seat_code AS code
UNION ALL
MATCH (n:TownCommittee)
WHERE coalesce(n.seat_code, '') STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'TownCommittee' AS type, n.name AS name, n.kind AS kind, n.seat_code AS code
UNION ALL
MATCH (n:JointCommittee)
WHERE coalesce(n.seat_code, '') STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'JointCommittee' AS type, n.name AS name, n.kind AS kind, n.seat_code AS code
UNION ALL
MATCH (n:GeneralBranch)
WHERE coalesce(n.seat_code, '') STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'GeneralBranch' AS type, n.name AS name, n.kind AS kind, n.seat_code AS code
UNION ALL
MATCH (n:Branch)
WHERE coalesce(n.seat_code, '') STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'Branch' AS type, n.name AS name, n.kind AS kind, n.seat_code AS code
UNION ALL
MATCH (n:PartyGroup)
WHERE coalesce(n.seat_code, '') STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'PartyGroup' AS type, n.name AS name, n.kind AS kind, n.seat_code AS code
UNION ALL
MATCH (n:Cooperative)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'Cooperative' AS type, n.name AS name, n.kind AS kind, v.code AS code
UNION ALL
MATCH (n:Company)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'Company' AS type, n.name AS name, CASE WHEN false THEN n.name END AS kind,
       v.code AS code
UNION ALL
MATCH (n:Base)-[:LOCATED_IN]->(v:Village)
WHERE v.code STARTS WITH $scope OR n.id IN $ids
RETURN n.id AS id, 'Base' AS type, n.name AS name, n.unit AS kind, v.code AS code
UNION ALL
MATCH (n:Village)
WHERE n.code STARTS WITH $scope OR n.code IN $ids
RETURN n.code AS id, 'Village' AS type, n.name AS name, n.kind AS kind, n.code AS code
