// Every party member who drives households (DRIVES, 党员带农户), with those households: the member
// hop of every leadership chain (list_household_chain_links' hop 'member'), one row per member rather
// than per household, so the load that derives the chain index (partychain.storage.derived) reads
// the millions of DRIVES links of a province as a few hundred thousand rows.
// params: none
// columns: member (string: its id), households (list of strings: the ids of the households it drives)
// example:
MATCH (h:Household)<-[:DRIVES]-(m:PartyMember)
RETURN m.id AS member, collect(h.id) AS households
