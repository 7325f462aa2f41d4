import test from 'ava';
import { readFile } from 'node:fs/promises';
import { ERROR_CODES } from '../src/errors.js';

test('docs/errors.md lists every error code with its status, and nothing else', async (t) => {
  const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `(AAPI_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
  const codes = Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status] as const);
  for (const [code, status] of codes) t.is(rows.get(code), status, `${code} documented with status ${status}`);
  t.deepEqual([...rows.keys()].sort(), codes.map(([code]) => code).sort());
});
