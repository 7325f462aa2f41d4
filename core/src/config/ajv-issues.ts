import type { ErrorObject } from 'ajv/dist/2020.js';
import { formatPath, formatValue, type ConfigIssue } from './config-error.js';
import { isSecretKey, redactValue } from './redact.js';

type Schema = Record<string, unknown>;
type Segment = string | number;

/** JSON pointer → key path segments, with list indexes as numbers. */
function toSegments(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const out: Segment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** What a value must be, in words: "a non-negative integer", "an http(s) URL". */
function expectation(schema: Schema): string {
  if (typeof schema['x-expected'] === 'string') return schema['x-expected'];
  switch (schema['type']) {
    case 'integer':
      if (schema['minimum'] === 0) return 'a non-negative integer';
      if (schema['minimum'] === 1) return 'a positive integer';
      return 'an integer';
    case 'number':
      if (schema['exclusiveMinimum'] === 0) return 'a positive number';
      if (schema['minimum'] === 0) return 'a non-negative number';
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'string':
      return schema['minLength'] === 1 ? 'a non-empty string' : 'a string';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of keys to values';
    default:
      return 'valid';
  }
}

function shown(value: unknown, segments: Segment[]): string {
  const last = segments[segments.length - 1];
  if (typeof last === 'string' && isSecretKey(last)) return '';
  return `, got ${formatValue(redactValue(value))}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function suggestion(key: string, schema: Schema): string {
  const known = Object.keys((schema['properties'] as Schema | undefined) ?? {});
  const close = known.find((k) => editDistance(k, key) <= 2);
  return close === undefined ? '' : ` (did you mean ${close}?)`;
}

// Keywords whose failure is better explained as "must be <expectation>".
const SHAPE_KEYWORDS = new Set(['type', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern', 'minLength', 'maxLength', 'multipleOf']);

/**
 * Turns ajv's errors into one readable sentence per problem, each naming the key path
 * (`remotes.npmjs.cache.mutable_ttl must be a non-negative integer, got "x"`).
 * Needs ajv's `verbose` option for the offending value and schema.
 */
export function translateAjvErrors(errors: readonly ErrorObject[], data: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const add = (segments: Segment[], message: string): void => {
    if (seen.has(message)) return;
    seen.add(message);
    issues.push({ path: formatPath(segments), message });
  };

  for (const err of errors) {
    // "must match then schema" only repeats the errors found inside the branch
    if (err.keyword === 'if') continue;
    // reported once by the propertyNames error itself
    if (err.propertyName !== undefined && err.keyword !== 'propertyNames') continue;
    const segments = toSegments(err.instancePath, data);
    const path = formatPath(segments);
    const parent = (err.parentSchema ?? {}) as Schema;
    const params = err.params as Record<string, unknown>;

    if (SHAPE_KEYWORDS.has(err.keyword)) {
      add(segments, `${path} must be ${expectation(parent)}${shown(err.data, segments)}`);
    } else if (err.keyword === 'enum') {
      const allowed = (params['allowedValues'] as unknown[]).join(', ');
      add(segments, `${path} must be one of ${allowed}${shown(err.data, segments)}`);
    } else if (err.keyword === 'required') {
      const full = [...segments, String(params['missingProperty'])];
      add(full, `${formatPath(full)} is required`);
    } else if (err.keyword === 'additionalProperties') {
      const key = String(params['additionalProperty']);
      const full = [...segments, key];
      add(full, `unknown key ${formatPath(full)}${suggestion(key, parent)}`);
    } else if (err.keyword === 'false schema') {
      const owner = segments.slice(0, -1);
      const kind = typeAt(data, owner);
      add(segments, `${path} does not apply when ${formatPath([...owner, 'type'])} is ${kind}`);
    } else if (err.keyword === 'propertyNames') {
      const name = String(params['propertyName']);
      add(segments, `${path} has an invalid name ${formatValue(name)}: use letters, digits, '.', '_' and '-', starting with a letter or digit`);
    } else if (err.keyword === 'minItems') {
      const limit = Number(params['limit']);
      add(segments, `${path} must list at least ${limit} item${limit === 1 ? '' : 's'}`);
    } else if (err.keyword === 'uniqueItems') {
      const list = err.data as unknown[];
      add(segments, `${path} lists ${formatValue(list[Number(params['i'])])} twice`);
    } else {
      add(segments, `${path || 'the configuration'} ${err.message ?? 'is invalid'}`);
    }
  }
  return issues;
}

function typeAt(data: unknown, segments: Segment[]): string {
  let node: unknown = data;
  for (const s of segments) node = (node as Record<string | number, unknown> | undefined)?.[s];
  const type = (node as Record<string, unknown> | undefined)?.['type'];
  return typeof type === 'string' ? type : 'its default';
}
