// Answers whether the graph can answer a real query: the number of villages.
// params: none
// columns: villages (int)
// example:
MATCH (v:Village)
RETURN count(v) AS villages
