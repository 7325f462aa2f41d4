import test from 'ava';
import fc from 'fast-check';
import { runInspector, runRewriter } from '@artifactapi/plugin-sdk/testkit';
import { assertPlainData, checkAsyncProperty, checkProperty, hostileBytes, hostileJsonText, onlyThrows, checkPrototypesAfterEach, quarantineCutoff, timestamp } from '@artifactapi/plugin-sdk/testkit/fuzz';
import plugin from '../src/index.js';
import { decodeCase, encodeCase } from '../src/case-encoding.js';
import { mergeVersionLists } from '../src/merge-list.js';
import { compareVersions } from '../src/semver.js';

// Properties of what the Go plugin reads from upstreams: @v/list bodies (and the .info documents
// quarantine reads beside them), .info documents and checksum database lookups; plus the case
// encoding round trip and the version order a merged list is sorted by.

checkPrototypesAfterEach(test.afterEach.always);

const encoder = new TextEncoder();
const version = fc.oneof(fc.constantFrom('v1.0.0', 'v1.2.3-rc.1', 'v2.0.0+incompatible', 'v0.0.0-20230101120000-abcdefabcdef', 'v1.0.0-0', 'master', '__proto__', 'v01.0.0', 'v1.0.0-alpha.10', 'v1.0.0-alpha.9'), fc.string({ maxLength: 8 }).filter((s) => !/\s/.test(s)));
const info = fc.oneof(
  fc.record({ Version: fc.oneof(version, fc.constant(7)), Time: fc.oneof(timestamp(), fc.constant(null)) }, { requiredKeys: [] }).map((d) => JSON.stringify(d)),
  hostileJsonText(2),
  hostileBytes().map((b) => new TextDecoder().decode(b)),
);

test('@v/list rewriter: never throws, keeps a subset of the listed versions in order, and with quarantine only versions dated at or before the cutoff', async (t) => {
  const listed = fc.uniqueArray(version, { maxLength: 5 });
  await checkAsyncProperty(
    fc.asyncProperty(listed, fc.constantFrom('\n', '\r\n', '\n\n'), fc.array(fc.option(info, { nil: undefined }), { minLength: 5, maxLength: 5 }), quarantineCutoff(), async (versions, eol, infos, cutoff) => {
      const module = 'github.com/!azure/x';
      const companions: Record<string, Uint8Array | null> = {};
      versions.forEach((v, i) => {
        if (infos[i] !== undefined) companions[`${module}/@v/${encodeCase(v)}.info`] = encoder.encode(infos[i]);
      });
      const body = versions.join(eol) + eol;
      const result = await runRewriter(plugin, 'go-list', body, { path: `${module}/@v/list`, companions, ...(cutoff !== undefined ? { quarantineCutoff: cutoff } : {}) });
      const kept = new TextDecoder().decode(result.body).split('\n').map((l) => l.trim()).filter(Boolean);
      const trimmed = versions.map((v) => v.trim()).filter(Boolean);
      let at = 0;
      for (const v of kept) {
        at = trimmed.indexOf(v, at);
        if (at < 0) throw new Error(`${v} was not listed, or is out of order: ${JSON.stringify(kept)}`);
        at++;
      }
      if (cutoff === undefined) return;
      for (const v of kept) {
        const doc = companions[`${module}/@v/${encodeCase(v)}.info`];
        const time = doc ? (JSON.parse(new TextDecoder().decode(doc)) as { Time?: string }).Time : undefined;
        if (typeof time !== 'string' || !(Date.parse(time) <= cutoff)) throw new Error(`${v} (Time ${String(time)}) was kept under a cutoff of ${new Date(cutoff).toISOString()}`);
      }
    }),
    250,
  );
  t.pass();
});

test('.info inspector: a SyntaxError, or plain facts for exactly the version\'s .mod and .zip', async (t) => {
  await checkAsyncProperty(
    fc.asyncProperty(info, fc.constantFrom('github.com/!azure/x/@v/v1.0.0.info', 'a.b/c/@v/master.info', 'a.b/c/@v/list'), async (body, path) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'go-info', body, { path }));
      if (!facts) return;
      assertPlainData(facts);
      const stem = path.slice(0, -'.info'.length);
      if (JSON.stringify(Object.keys(facts).sort()) !== JSON.stringify([`${stem}.mod`, `${stem}.zip`])) throw new Error(`keys ${Object.keys(facts).join(', ')}`);
    }),
    250,
  );
  t.pass();
});

test('sumdb lookup inspector: a SyntaxError, or the h1: lines of exactly the looked-up module version', async (t) => {
  const hash = fc.constantFrom('h1:abc=', 'h1:', 'h2:x', 'abc');
  const line = fc.tuple(fc.constantFrom('github.com/Azure/x', 'github.com/azure/x', '__proto__'), fc.constantFrom('v1.0.0', 'v1.0.0/go.mod', 'v1.0.1'), hash, fc.constantFrom('', ' extra')).map(([m, v, h, e]) => `${m} ${v} ${h}${e}`);
  const body = fc.oneof(
    fc.tuple(fc.nat(), fc.array(line, { maxLength: 5 }), fc.string({ maxLength: 20 })).map(([id, lines, note]) => `${id}\n${lines.join('\n')}\n\n${note}`),
    hostileBytes().map((b) => new TextDecoder().decode(b)),
  );
  const path = fc.constantFrom('sumdb/sum.golang.org/lookup/github.com/!azure/x@v1.0.0', 'sumdb/sum.golang.org/lookup/github.com/Azure/x@v1.0.0', 'sumdb/sum.golang.org/latest');
  await checkAsyncProperty(
    fc.asyncProperty(body, path, async (text, docPath) => {
      const facts = await onlyThrows([SyntaxError], () => runInspector(plugin, 'go-sumdb-lookup', text, { path: docPath }));
      if (!facts) return;
      assertPlainData(facts);
      const record = text.split('\n\n')[0]!.split('\n').map((l) => l.split(' '));
      for (const fact of Object.values(facts)) {
        const expected = fact.verify?.expected;
        if (!expected?.startsWith('h1:') || !record.some(([m, , h, extra]) => m === 'github.com/Azure/x' && h === expected && extra === undefined)) throw new Error(`${String(expected)} is not an h1: line of github.com/Azure/x in the lookup`);
      }
    }),
    250,
  );
  t.pass();
});

test('case encoding round trip: decodeCase(encodeCase(p)) is p, and encoded text has no upper case', (t) => {
  checkProperty(
    fc.property(fc.string({ maxLength: 20 }), (path) => {
      const encoded = encodeCase(path);
      if (/[A-Z]/.test(encoded)) throw new Error(`${encoded} has upper case`);
      if (!path.includes('!') && decodeCase(encoded) !== path) throw new Error(`${path} → ${encoded} → ${String(decodeCase(encoded))}`);
    }),
    1000,
  );
  t.pass();
});

test('merged lists: every version once, in an order that does not depend on the members\' order', (t) => {
  checkProperty(
    fc.property(fc.array(fc.array(version, { maxLength: 5 }), { minLength: 1, maxLength: 3 }), (members) => {
      const merge = (docs: string[][]) => new TextDecoder().decode(mergeVersionLists({ documents: docs.map((d) => ({ body: encoder.encode(d.join('\n')) })) } as never).body);
      const out = merge(members);
      const again = merge([...members].reverse().map((m) => [...m].reverse()));
      if (out !== again) throw new Error(`order depends on input: ${JSON.stringify(out)} vs ${JSON.stringify(again)}`);
      const lines = out.split('\n').filter(Boolean);
      if (new Set(lines).size !== lines.length) throw new Error(`duplicates in ${JSON.stringify(lines)}`);
      for (let i = 1; i < lines.length; i++) if (compareVersions(lines[i - 1]!, lines[i]!) > 0) throw new Error(`${lines[i - 1]} after ${lines[i]}`);
    }),
    500,
  );
  t.pass();
});

test('regression: versions semver ranks equal still merge in one order whatever the members\' order', (t) => {
  const merged = (docs: string[]) => new TextDecoder().decode(mergeVersionLists({ documents: docs.map((d) => ({ body: encoder.encode(d) })) } as never).body);
  t.is(merged(['v01.0.0', 'v1.0.0']), merged(['v1.0.0', 'v01.0.0']));
  t.is(merged(['v1.0.0+b\nv1.0.0+a']), 'v1.0.0+a\nv1.0.0+b\n');
});
