// Counts the nodes of every label.
// params: none
// columns: label (string; a one-element list on Neo4j, normalised by the caller), n (int)
// example:
MATCH (n)
RETURN labels(n) AS label, count(*) AS n
