// Is there a household with this id? One row, n = 1 or 0: how household_chains tells a household no
// member drives (no chain links in the derived index) from an unknown id, with a key lookup only.
// params:
// - $household_id: id; required
// columns: n (int: households with the id, 0 or 1)
// example: household_id="HH-1"
MATCH (h:Household)
WHERE h.id = $household_id
RETURN count(h) AS n
