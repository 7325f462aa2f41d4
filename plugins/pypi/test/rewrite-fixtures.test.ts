import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

// One folder per behaviour: input.{html,json}, expected.{html,json}, config.json (the rewrite context).
const ROOT = new URL('../../test/fixtures/rewrite/', import.meta.url);

interface CaseConfig {
  path: string;
  variant: string;
  upstreamBase: string;
  options?: Record<string, unknown>;
  quarantineCutoff?: number;
  contentType: string;
}

function fileIn(dir: URL, stem: string): { name: string; text: string } {
  const name = readdirSync(dir).find((f) => f.startsWith(`${stem}.`));
  if (!name) throw new Error(`${dir.pathname} has no ${stem}.*`);
  return { name, text: readFileSync(new URL(name, dir), 'utf8') };
}

for (const folder of readdirSync(ROOT)) {
  test(`simple rewriter: ${folder}`, async (t) => {
    const dir = new URL(`${folder}/`, ROOT);
    const config = JSON.parse(readFileSync(new URL('config.json', dir), 'utf8')) as CaseConfig;
    const input = fileIn(dir, 'input');
    const expected = fileIn(dir, 'expected');
    const { contentType, ...ctx } = config;
    const result = await runRewriter(plugin, 'simple', input.text, { ...ctx, options: ctx.options ?? {} });
    const actual = new TextDecoder().decode(result.body);
    t.is(result.contentType, contentType);
    if (expected.name.endsWith('.json')) t.deepEqual(JSON.parse(actual), JSON.parse(expected.text));
    else t.is(actual, expected.text);
  });
}
