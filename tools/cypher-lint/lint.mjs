#!/usr/bin/env node
// Lints Cypher queries with Neo4j's own linter, `lintCypherQuery` from
// @neo4j-cypher/language-support, for Cypher 5, without a server.
//
// stdin:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//          "queries": {"NAME": "cypher text", ...}}
// stdout: {"NAME": [{"severity": "error"|"warning", "message": "...", "line": 1, "column": 1,
//                    "source": "neo4j"|"partychain"}, ...], ...}
// line and column are 1-based. Bad input: a message on stderr and exit code 2.
//
// On top of the schema it is given, every query is linted against
// * Neo4j 5's built-in functions and procedures (the registry the package ships as
//   `testData.mockSchema`, a dump of a real Neo4j 5 server), without the APOC and GDS
//   plugins: without a function registry the linter does not check function names at all;
// * its own parameters, declared: the application passes them at run time, and an
//   undeclared `$name` would otherwise be an error ("Parameter $name is not defined.").
//
// Neo4j's linter does not look at property keys, nor at labels and relationship types in
// CREATE and MERGE (a database may gain new ones). partychain's schema is closed, so
// `partychainChecks` adds these as warnings, plus errors for an empty query and for more
// than one statement (a driver runs exactly one). Those carry "source": "partychain".

import { createRequire } from 'node:module';

// Loaded in main(), after the input is checked: loading takes a second or two.
// The package's ESM build uses extensionless imports that Node cannot load; use the CJS build.
let ls;

const CYPHER_VERSION = 'CYPHER 5';
const PLUGIN_NAMESPACE = /^(apoc|gds)\./;

function builtInRegistry() {
  const mock = ls.testData?.mockSchema;
  const functions = mock?.functions?.[CYPHER_VERSION];
  const procedures = mock?.procedures?.[CYPHER_VERSION];
  if (!functions || !procedures) {
    throw new Error(
      'this version of @neo4j-cypher/language-support no longer ships testData.mockSchema; ' +
        'lint.mjs needs another source of the Neo4j 5 function and procedure signatures',
    );
  }
  return {
    functions: Object.fromEntries(Object.entries(functions).filter(([, f]) => f.isBuiltIn)),
    procedures: Object.fromEntries(
      Object.entries(procedures).filter(([name]) => !PLUGIN_NAMESPACE.test(name)),
    ),
  };
}

function fail(message) {
  process.stderr.write(`lint.mjs: ${message}\n`);
  process.exit(2);
}

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function validate(input) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    fail('input must be a JSON object {"schema": ..., "queries": ...}');
  }
  const { schema, queries } = input;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    fail('"schema" must be an object');
  }
  // The linter silently skips the label check unless both labels and relationshipTypes are given.
  for (const key of ['labels', 'relationshipTypes', 'propertyKeys']) {
    const v = schema[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      fail(`"schema.${key}" must be a list of strings`);
    }
  }
  if (queries === null || typeof queries !== 'object' || Array.isArray(queries)) {
    fail('"queries" must be an object mapping names to Cypher text');
  }
  for (const [name, text] of Object.entries(queries)) {
    if (typeof text !== 'string') fail(`query ${JSON.stringify(name)} is not a string`);
  }
  return { schema, queries };
}

// --- partychain's own checks, on the parse tree of the package's parser -------------------

const unquote = (name) => name.replace(/^`|`$/g, '').replace(/``/g, '`');

function* walk(node) {
  yield node;
  for (const child of node.children ?? []) yield* walk(child);
}

// The property key a `.key` (PropertyContext) reads, if its receiver is a bare variable.
// Returns the variable's name, or undefined when the receiver is any other expression.
function receiverVariable(propertyCtx) {
  const parent = propertyCtx.parentCtx;
  if (parent instanceof ls.PropertyPostfixContext) {
    // expression2: expression1 postFix*  -- only the first postfix reads the variable
    const expr2 = parent.parentCtx;
    if (!(expr2 instanceof ls.Expression2Context) || expr2.postFix(0) !== parent) return undefined;
    const variable = expr2.expression1()?.variable?.();
    return variable ? unquote(variable.getText()) : undefined;
  }
  if (parent instanceof ls.PropertyExpressionContext) {
    // SET / REMOVE: expression1 property+
    if (parent.property(0) !== propertyCtx) return undefined;
    const variable = parent.expression1()?.variable?.();
    return variable ? unquote(variable.getText()) : undefined;
  }
  if (parent instanceof ls.MapProjectionElementContext) {
    // n {.key, ...}
    const projection = parent.parentCtx;
    const variable = projection?.variable?.();
    return variable ? unquote(variable.getText()) : undefined;
  }
  if (parent instanceof ls.PropertyListContext || parent instanceof ls.EnclosedPropertyListContext) {
    // index and constraint commands: n.key, (n.a, n.b)
    const idx = parent.children.indexOf(propertyCtx);
    const variable = parent.children[idx - 1];
    return variable instanceof ls.VariableContext ? unquote(variable.getText()) : undefined;
  }
  return undefined;
}

const PATTERN_CONTEXT_NAMES = [
  'NodePatternContext',
  'RelationshipPatternContext',
  'InsertNodePatternContext',
  'InsertRelationshipPatternContext',
  'CommandNodePatternContext',
  'CommandRelPatternContext',
  'FulltextNodePatternContext',
  'FulltextRelPatternContext',
  'LookupIndexNodePatternContext',
  'LookupIndexRelPatternContext',
];
let patternContexts;

const isPattern = (ctx) => {
  patternContexts ??= PATTERN_CONTEXT_NAMES.map((name) => ls[name]).filter(Boolean);
  return patternContexts.some((cls) => ctx instanceof cls);
};

function diagnostic(severity, message, token) {
  // ANTLR tokens: line is 1-based, column 0-based.
  return { severity, message, line: token.line, column: token.column + 1, source: 'partychain' };
}

function partychainChecks(query, parsed, schema) {
  const out = [];
  const nonEmpty = parsed.statementsParsing.filter(
    (s) => s.command.type !== 'cypher' || s.command.statement.trim().length > 0,
  );

  if (query.trim().length === 0) {
    out.push({ severity: 'error', message: 'The query is empty.', line: 1, column: 1, source: 'partychain' });
    return out;
  }
  if (nonEmpty.length > 1) {
    const second = nonEmpty[1].command.start;
    out.push(
      diagnostic(
        'error',
        `The file holds ${nonEmpty.length} statements; a named query must be exactly one ` +
          '(a Neo4j driver runs one statement per query).',
        second,
      ),
    );
  }

  const labels = new Set(schema.labels);
  const relTypes = new Set(schema.relationshipTypes);
  const propertyKeys = new Set(schema.propertyKeys);

  for (const stmt of parsed.statementsParsing) {
    // Labels and relationship types that CREATE / MERGE write: Neo4j's linter lets them pass.
    for (const l of stmt.collectedLabelOrRelTypes) {
      if (!l.couldCreateNewLabel) continue;
      const name = unquote(l.labelText);
      const isRel = l.labelType === 'Relationship type';
      const isNode = l.labelType === 'Label';
      const known = isRel ? relTypes.has(name) : isNode ? labels.has(name) : labels.has(name) || relTypes.has(name);
      if (!known) {
        out.push({
          severity: 'warning',
          message: `${l.labelType} ${l.labelText} is not in the knowledge model; CREATE/MERGE would add it to the graph.`,
          line: l.line,
          column: l.column + 1,
          source: 'partychain',
        });
      }
    }

    // Property keys, where they are surely keys of a node or relationship: in a pattern's
    // {key: ...} map, and `v.key` / `v {.key}` on a variable bound by a pattern.
    const nodes = [...walk(stmt.ctx)];
    const patternVariables = new Set();
    for (const ctx of nodes) {
      if (!isPattern(ctx)) continue;
      const v = ctx.variable?.();
      if (v) patternVariables.add(unquote(v.getText()));
    }
    const checkKey = (keyCtx) => {
      const key = unquote(keyCtx.getText());
      if (!propertyKeys.has(key)) {
        out.push(
          diagnostic(
            'warning',
            `Property key ${keyCtx.getText()} is not in the knowledge model. Make sure you didn't misspell it.`,
            keyCtx.start,
          ),
        );
      }
    };
    for (const ctx of nodes) {
      if (ctx instanceof ls.PropertiesContext && isPattern(ctx.parentCtx)) {
        const map = ctx.map?.();
        for (const keyCtx of map?.propertyKeyName_list?.() ?? []) checkKey(keyCtx);
      } else if (ctx instanceof ls.PropertyContext) {
        const variable = receiverVariable(ctx);
        if (variable !== undefined && patternVariables.has(variable)) checkKey(ctx.propertyKeyName());
      }
    }
  }
  return out;
}

// --- the linter ----------------------------------------------------------------------------

const SEVERITY = { 1: 'error', 2: 'warning' }; // LSP DiagnosticSeverity; 3/4 are reported as warnings

function lintOne(query, schema, builtIns) {
  // Parse once: lintCypherQuery reuses the parser wrapper's cached result for the same text.
  const parsed = ls.parserWrapper.parse(query, false);
  ls.parserWrapper.parsingResult = parsed;
  const params = Object.fromEntries(
    parsed.statementsParsing
      .flatMap((s) => s.collectedParameters)
      .map((p) => [p.name.replace(/^`(.*)`$/s, '$1'), null]),
  );
  const dbSchema = {
    labels: schema.labels,
    relationshipTypes: schema.relationshipTypes,
    propertyKeys: schema.propertyKeys,
    functions: { [CYPHER_VERSION]: builtIns.functions },
    procedures: { [CYPHER_VERSION]: builtIns.procedures },
    parameters: params,
    defaultLanguage: CYPHER_VERSION,
  };
  const neo4j = ls.lintCypherQuery(query, dbSchema, false).map((d) => ({
    severity: SEVERITY[d.severity] ?? 'warning',
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    source: 'neo4j',
  }));
  const all = neo4j.concat(partychainChecks(query, parsed, schema));
  const seen = new Set();
  return all
    .filter((d) => {
      const k = JSON.stringify([d.severity, d.line, d.column, d.message]);
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : 1));
}

async function main() {
  let input;
  try {
    input = JSON.parse(await readStdin());
  } catch (e) {
    fail(`stdin is not a JSON document: ${e.message}`);
  }
  const { schema, queries } = validate(input);
  ls = createRequire(import.meta.url)('@neo4j-cypher/language-support');
  const builtIns = builtInRegistry();
  const result = {};
  for (const [name, text] of Object.entries(queries)) {
    try {
      result[name] = lintOne(text, schema, builtIns);
    } catch (e) {
      // Never let a linter crash pass as "clean".
      result[name] = [
        { severity: 'error', message: `linter crashed: ${e.stack ?? e}`, line: 1, column: 1, source: 'lint.mjs' },
      ];
    }
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => fail(e.stack ?? String(e)));
