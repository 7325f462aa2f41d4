import test from 'ava';
import { readFile } from 'node:fs/promises';
import { CONFIG_SCHEMA_FILE, KNOWN_ENV_VARS } from '../src/config/index.js';
import { PluginRegistry } from '../src/plugins/index.js';

const docsFile = new URL('../../../docs/configuration.md', import.meta.url);

/** Every property name declared anywhere in the schema. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return out;
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (properties !== undefined) for (const name of Object.keys(properties)) out.add(name);
  for (const child of Object.values(schema)) propertyNames(child, out);
  return out;
}

test('docs/configuration.md documents every schema key and every environment variable', async (t) => {
  const docs = await readFile(docsFile, 'utf8');
  const schema: unknown = JSON.parse(await readFile(CONFIG_SCHEMA_FILE, 'utf8'));
  const names = propertyNames(schema);
  t.true(names.size > 40);
  // a key counts as documented when it appears in code style, alone or in a dotted path
  for (const name of names) t.regex(docs, new RegExp(`\`([^\`\\s]*\\.)?${name}(\\.[^\`\\s]*)?\``), `key ${name}`);
  for (const name of KNOWN_ENV_VARS) t.true(docs.includes(name), `variable ${name}`);
});

test('every schema property has a description', async (t) => {
  const schema: unknown = JSON.parse(await readFile(CONFIG_SCHEMA_FILE, 'utf8'));
  const missing: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const properties = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
    for (const [name, prop] of Object.entries(properties ?? {})) {
      const ref = prop['$ref'];
      const described = typeof prop['description'] === 'string' || (typeof ref === 'string' && resolvesDescribed(schema, ref));
      if (!described) missing.push(`${path}.${name}`);
    }
    for (const [key, child] of Object.entries(node)) {
      // conditional branches only restate properties declared (and described) beside them
      if (key !== 'if' && key !== 'then' && key !== 'else') walk(child, `${path}/${key}`);
    }
  };
  walk(schema, '#');
  t.deepEqual(missing, []);
});

function resolvesDescribed(root: unknown, ref: string): boolean {
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
  return typeof (node as { description?: unknown }).description === 'string';
}

test('docs/configuration.md lists as available exactly the package types that load, and the rest as planned', async (t) => {
  const docs = await readFile(docsFile, 'utf8');
  const row = docs.split('\n').find((line) => line.startsWith('| `package` | required |'))!;
  const typesIn = (label: string): string[] => [...(new RegExp(`${label}: ([^.]*)\\.`).exec(row)?.[1] ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const loaded = (await PluginRegistry.load({ log: quiet })).types();
  t.deepEqual(typesIn('Available').sort(), [...loaded].sort());
  for (const type of typesIn('Planned, not yet implemented')) t.false(loaded.includes(type), `${type} is implemented now: list it as available`);
  // a plugin's key says which type reads it
  t.regex(docs.split('\n').find((line) => line.startsWith('| `ban_tags` |'))!, /Docker repositories only/);
});
