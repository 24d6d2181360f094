// Counts the relationships of every type.
// params: none
// columns: type (string), n (int)
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
