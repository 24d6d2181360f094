// Every link the downstream counts of all party organizations (count_org_downstream) are made of, one
// row per link: the load derives the downstream counts of every organization of a dataset version from
// these rows and the member, base and owner links of list_chain_links (partychain.storage.derived), and
// with them the driven households of the gap list list_poor_households_chain_incomplete.
//   hop 'org'          a = every party organization (b = '')
//   hop 'under'        a = organization, b = organization it is directly UNDER
//   hop 'cooperative'  a = JointCommittee or Branch, b = cooperative it RUNS or LEADS
//   hop 'unit'         a = JointCommittee or Branch, b = company it RUNS or LEADS
//   hop 'company'      a = Branch, b = company it RUNS (what count_org_downstream counts as companies)
//   hop 'poor'         a = poor household some party member DRIVES, b = the village it lives in (null: none)
// params: none
// columns: hop (string, above), a, b (strings: the link's two ends)
// example:
MATCH (o:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
RETURN 'org' AS hop, o.id AS a, '' AS b
UNION ALL
MATCH (o:TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:UNDER]->
      (p:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
RETURN DISTINCT 'under' AS hop, o.id AS a, p.id AS b
UNION ALL
MATCH (o:JointCommittee|Branch)-[:RUNS|LEADS]->(c:Cooperative)
RETURN DISTINCT 'cooperative' AS hop, o.id AS a, c.id AS b
UNION ALL
MATCH (o:JointCommittee|Branch)-[:RUNS|LEADS]->(c:Company)
RETURN DISTINCT 'unit' AS hop, o.id AS a, c.id AS b
UNION ALL
MATCH (o:Branch)-[:RUNS]->(c:Company)
RETURN DISTINCT 'company' AS hop, o.id AS a, c.id AS b
UNION ALL
MATCH (:PartyMember)-[:DRIVES]->(h:Household {poor: true})
WITH DISTINCT h
OPTIONAL MATCH (h)-[:LIVES_IN]->(v:Village)
RETURN 'poor' AS hop, h.id AS a, v.code AS b
