// A cooperative's profile: kind, 村社合一 demonstration point, village, the branch that runs it
// (支部办合作社), the joint committee that leads it directly, its industry and chair, the bases
// it builds, the companies it contracts with, the village collectives holding shares, and the
// households that joined it.
// params:
// - $cooperative_id: id; required
// columns: id, name, kind ('farmer' | 'specialized'), demo_point (bool), village_code, village_name,
//   branch_id, branch_name (null when no branch runs it), joint_committee_id, joint_committee_name
//   (null when no joint committee LEADS it), industry_code, industry_name, chair_id,
//   bases (list of base ids), companies (list of company ids), shareholders (list of village codes),
//   households (int: households JOINED), poor_households (int)
// The ledger gives a cooperative at most one running branch and one leading joint committee; were
// there more, there would be one row per combination. No row for an unknown id.
// example: cooperative_id="CO-1"
MATCH (c:Cooperative)
WHERE c.id = $cooperative_id
OPTIONAL MATCH (c)-[:LOCATED_IN]->(v:Village)
OPTIONAL MATCH (br:Branch)-[:RUNS]->(c)
OPTIONAL MATCH (j:JointCommittee)-[:LEADS]->(c)
OPTIONAL MATCH (c)-[:IN_INDUSTRY]->(i:Industry)
OPTIONAL MATCH (chair:PartyMember)-[:HEADS]->(c)
WITH c, v, br, j, i, min(chair.id) AS chair_id
OPTIONAL MATCH (c)-[:BUILDS]->(b:Base)
WITH c, v, br, j, i, chair_id, collect(DISTINCT b.id) AS bases
OPTIONAL MATCH (p:Company)-[:CONTRACTS]->(c)
WITH c, v, br, j, i, chair_id, bases, collect(DISTINCT p.id) AS companies
OPTIONAL MATCH (s:Village)-[:HOLDS_SHARE]->(c)
WITH c, v, br, j, i, chair_id, bases, companies, collect(DISTINCT s.code) AS shareholders
OPTIONAL MATCH (h:Household)-[:JOINED]->(c)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.demo_point AS demo_point,
       v.code AS village_code, v.name AS village_name, br.id AS branch_id, br.name AS branch_name,
       j.id AS joint_committee_id, j.name AS joint_committee_name, i.code AS industry_code,
       i.name AS industry_name, chair_id, bases, companies, shareholders,
       count(DISTINCT h) AS households, count(DISTINCT CASE WHEN h.poor THEN h.id END) AS poor_households
