// Everything downstream of a party organization, counted. Downstream of org R:
//   orgs          organizations under R (UNDER*1..8), R itself not counted
//   cooperatives  cooperatives a branch at or under R RUNS, or a joint committee at or under R LEADS
//   companies     companies a branch at or under R RUNS
//   bases         bases those cooperatives and companies BUILD
//   members       party members those bases LINK to
//   households    households those members DRIVE; poor_households among them
// params:
// - $org_id: id; required
// columns: orgs, cooperatives, companies, bases, members, households, poor_households (all int)
// No row for an unknown id.
// example: org_id="JC-1"
MATCH (r:CountyCommittee|TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)
WHERE r.id = $org_id
OPTIONAL MATCH (o:TownCommittee|JointCommittee|GeneralBranch|Branch|PartyGroup)-[:UNDER*1..8]->(r)
WITH r, count(DISTINCT o) AS orgs
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(c:Cooperative)
WITH r, orgs, count(DISTINCT c) AS cooperatives
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:Branch)-[:RUNS]->(p:Company)
WITH r, orgs, cooperatives, count(DISTINCT p) AS companies
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)
               -[:BUILDS]->(b:Base)
WITH r, orgs, cooperatives, companies, count(DISTINCT b) AS bases
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)
               -[:BUILDS]->(:Base)-[:LINKS]->(m:PartyMember)
WITH r, orgs, cooperatives, companies, bases, count(DISTINCT m) AS members
OPTIONAL MATCH (r)<-[:UNDER*0..8]-(:JointCommittee|Branch)-[:RUNS|LEADS]->(:Cooperative|Company)
               -[:BUILDS]->(:Base)-[:LINKS]->(:PartyMember)-[:DRIVES]->(h:Household)
RETURN orgs, cooperatives, companies, bases, members, count(DISTINCT h) AS households,
       count(DISTINCT CASE WHEN h.poor THEN h.id END) AS poor_households
