import test from 'ava';
import { load } from 'js-yaml';
import { runInspector, runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { PUBLIC_BASE, UPSTREAM } from './fixtures.js';

const VERSIONS_PER_CHART = 40;

/** An index.yaml of at least `bytes`, shaped like a big public repository's, every 4th version young. */
function bigIndex(bytes: number): { text: string; charts: number } {
  const parts: string[] = ['apiVersion: v1\nentries:\n'];
  let size = 0;
  let charts = 0;
  while (size < bytes) {
    const name = `chart-${charts++}`;
    let chunk = `  ${name}:\n`;
    for (let v = 0; v < VERSIONS_PER_CHART; v++) {
      const created = v % 4 === 0 ? '2024-06-01T00:00:00.123456789Z' : '2024-01-01T00:00:00Z';
      chunk +=
        `  - apiVersion: v2\n    appVersion: "1.${v}"\n    created: ${created}\n` +
        `    description: A Helm chart for Kubernetes, padded to look like the real thing ${name}\n` +
        `    digest: ${'ab'.repeat(32)}\n    home: https://example.com/${name}\n    maintainers:\n    - email: a@example.com\n      name: a\n` +
        `    name: ${name}\n    urls:\n    - ${UPSTREAM}/${name}-1.${v}.0.tgz\n    version: 1.${v}.0\n`;
    }
    parts.push(chunk);
    size += chunk.length;
  }
  parts.push('generated: "2024-06-02T00:00:00Z"\n');
  return { text: parts.join(''), charts };
}

test('a 20 MB index.yaml is rewritten and filtered, and inspected', async (t) => {
  const { text, charts } = bigIndex(20 * 1024 * 1024);
  const out = await runRewriter(plugin, 'helm-index', text, {
    publicBase: PUBLIC_BASE,
    upstreamBase: UPSTREAM,
    quarantineCutoff: Date.parse('2024-03-01T00:00:00Z'),
  });
  const doc = load(Buffer.from(out.body).toString()) as { entries: Record<string, { version: string; urls: string[] }[]> };
  t.is(Object.keys(doc.entries).length, charts);
  const first = doc.entries['chart-0']!;
  t.is(first.length, VERSIONS_PER_CHART - VERSIONS_PER_CHART / 4, 'every 4th version is quarantined');
  t.false(first.some((v) => v.version === '1.0.0'));
  t.deepEqual(first[0]!.urls, [`${PUBLIC_BASE}/chart-0-1.1.0.tgz`]);

  const facts = await runInspector(plugin, 'helm-index', text, { upstreamBase: UPSTREAM });
  t.is(Object.keys(facts).length, charts * VERSIONS_PER_CHART * 2, 'each chart and its .prov');
});
