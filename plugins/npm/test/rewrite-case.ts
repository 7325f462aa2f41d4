import { readFile } from 'node:fs/promises';
import type { RewriteContext } from '@artifactapi/plugin-sdk';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

interface CaseFile {
  input: string;
  ctx: Omit<Partial<RewriteContext>, 'quarantineCutoff'> & { quarantineCutoff?: string };
}

/** A rewriter fixture: test/fixtures/rewrite/<name>/{case.json, expected.json}, input from test/fixtures/packuments/. */
export interface RewriteCase {
  input: Buffer;
  ctx: Partial<RewriteContext>;
  expected: unknown;
}

/** Reads the packument fixture `file` (under test/fixtures/packuments/). */
export function packumentFixture(file: string): Promise<Buffer> {
  return readFile(new URL(`packuments/${file}`, FIXTURES));
}

export async function loadRewriteCase(name: string): Promise<RewriteCase> {
  const dir = new URL(`rewrite/${name}/`, FIXTURES);
  const spec = JSON.parse(await readFile(new URL('case.json', dir), 'utf8')) as CaseFile;
  const { quarantineCutoff, ...rest } = spec.ctx;
  const ctx: Partial<RewriteContext> = quarantineCutoff === undefined ? rest : { ...rest, quarantineCutoff: Date.parse(quarantineCutoff) };
  return {
    input: await packumentFixture(spec.input),
    ctx,
    expected: JSON.parse(await readFile(new URL('expected.json', dir), 'utf8')) as unknown,
  };
}
