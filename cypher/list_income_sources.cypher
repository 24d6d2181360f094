// Village collective income by source (村集体经济收入来源): one row per income item of the ledger
// table village_income_sources of the villages in the scope.  A dividend names the cooperative or
// company it is paid by; it comes from the chain when the village HOLDS_SHARE in that cooperative
// or company and a party organization runs it (RUNS: a branch) or leads it (LEADS: a joint
// committee), the 'org' link of the leadership chains (list_chain_links).
// params:
// - $scope: division code prefix; required (2, 4, 6, 9 or 12 digits)
// columns: village_code (string), year (int), source (string: dividend, asset_rent, service,
//   subsidy or other), holder_of (string: the cooperative or company paying a dividend, null for
//   other sources), chain (bool: a dividend from the chain, as above), yuan (int)
// example: scope="520628"
MATCH (v:Village)-[:EARNED]->(i:IncomeItem)
WHERE v.code STARTS WITH $scope
OPTIONAL MATCH (i)-[:DIVIDEND_OF]->(u)
RETURN v.code AS village_code, i.year AS year, i.source AS source, u.id AS holder_of,
       EXISTS { MATCH (v)-[:HOLDS_SHARE]->(u)<-[:RUNS|LEADS]-() } AS chain, i.yuan AS yuan
ORDER BY village_code, year, source, holder_of
