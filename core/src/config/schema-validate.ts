import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { translateAjvErrors } from './ajv-issues.js';
import type { ConfigIssue } from './config-error.js';
import { CONFIG_SCHEMA_FILE } from './files.js';

type SchemaNode = { properties?: Record<string, unknown>; $defs?: Record<string, SchemaNode> };

let compiled: ValidateFunction | undefined;
let document: SchemaNode | undefined;

function schemaDocument(): SchemaNode {
  document ??= JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8')) as SchemaNode;
  return document;
}

/** The keys config/schema.json declares for a repository block. */
export function repoSchemaKeys(): string[] {
  return Object.keys(schemaDocument().$defs?.['repo']?.properties ?? {});
}

function validator(): ValidateFunction {
  if (compiled === undefined) {
    // ajv annotates the schema object it compiles; it gets its own copy
    const schema = structuredClone(schemaDocument()) as object;
    const ajv = new Ajv2020({
      allErrors: true,
      useDefaults: true,
      // values from ${VAR} are strings; "600" must count as 600 and "true" as true
      coerceTypes: true,
      verbose: true,
      strict: true,
      // `required` inside if/then names properties declared beside it, which is fine
      strictRequired: false,
      // server.trust_proxy is `true`, `false` or a list of addresses
      allowUnionTypes: true,
    });
    // annotation only: the wording used in error messages for this value
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/**
 * Validates the parsed file against config/schema.json, filling in defaults and coercing
 * scalar strings in place. Returns the problems found, empty when valid.
 */
export function validateAgainstSchema(data: Record<string, unknown>): ConfigIssue[] {
  const validate = validator();
  if (validate(data)) return [];
  return translateAjvErrors(validate.errors ?? [], data);
}

/** A schema with its local `#/$defs/…` references replaced by copies of what they name. */
function inlined(node: unknown, defs: Record<string, SchemaNode>): unknown {
  if (Array.isArray(node)) return node.map((n) => inlined(n, defs));
  if (node === null || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof $ref === 'string' && $ref.startsWith('#/$defs/')) Object.assign(out, inlined(defs[$ref.slice('#/$defs/'.length)], defs));
  for (const [key, value] of Object.entries(rest)) out[key] = inlined(value, defs);
  return out;
}

/**
 * The schema of one repository block (`repo`), one virtual (`virtual`) and a repository name
 * (`repoName`) from config/schema.json, self-contained: the management API validates its bodies
 * with them and publishes them in its OpenAPI document.
 */
export function repositorySchemas(): { repo: Record<string, unknown>; virtual: Record<string, unknown>; repoName: Record<string, unknown> } {
  const defs = schemaDocument().$defs ?? {};
  const pick = (name: string) => inlined(defs[name] ?? {}, defs) as Record<string, unknown>;
  return { repo: pick('repo'), virtual: pick('virtual'), repoName: pick('repoName') };
}
