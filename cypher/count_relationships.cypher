// Counts the relationships of every type.
// params: none
// columns: type (string), n (int)
// example:
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
