// LadybugDB override of count_relationships: ladybug has no type(r); label(r) gives the type.
// Counts the relationships of every type.
// params: none
// columns: type (string), n (int)
MATCH ()-[r]->()
RETURN label(r) AS type, count(*) AS n
