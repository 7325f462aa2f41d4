import test from 'ava';
import { checkClassifications, testContext, type ClassifyRow } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin);

/** What the engine does: canonicalise the request path, then classify the result. */
const rows = (table: readonly ClassifyRow[]): ClassifyRow[] => table.map((row) => ({ ...row, path: plugin.canonicalPath(row.path, ctx) }));

test('packuments are mutable index documents, in every scoped spelling', (t) => {
  t.deepEqual(
    checkClassifications(plugin, rows([
      { path: 'lodash', cache: 'mutable', index: 'packument' },
      { path: 'lodash/', cache: 'mutable', index: 'packument' },
      { path: 'JSONStream', cache: 'mutable', index: 'packument' },
      { path: '@types%2fnode', cache: 'mutable', index: 'packument' },
      { path: '@types%2Fnode', cache: 'mutable', index: 'packument' },
      { path: '@types/node', cache: 'mutable', index: 'packument' },
      { path: '%40types%2fnode', cache: 'mutable', index: 'packument' },
    ])),
    [],
  );
});

test('tarballs are immutable, scoped ones with a literal slash or an encoded one', (t) => {
  t.deepEqual(
    checkClassifications(plugin, rows([
      { path: 'lodash/-/lodash-4.17.21.tgz', cache: 'immutable' },
      { path: '@types/node/-/node-20.11.0.tgz', cache: 'immutable' },
      { path: '@types%2fnode/-/node-20.11.0.tgz', cache: 'immutable' },
      { path: '@babel/core/-/core-7.24.0-rc.1.tgz', cache: 'immutable' },
    ])),
    [],
  );
});

test('single-version documents are mutable and not rewritten', (t) => {
  t.deepEqual(
    checkClassifications(plugin, rows([
      { path: 'lodash/4.17.21', cache: 'mutable' },
      { path: 'lodash/latest', cache: 'mutable' },
      { path: '@types/node/20.11.0', cache: 'mutable' },
      { path: '@types%2fnode/latest', cache: 'mutable' },
    ])),
    [],
  );
});

test('registry endpoints under -/: keys, attestations and dist-tags proxied; search, audit and accounts denied', (t) => {
  t.deepEqual(
    checkClassifications(plugin, rows([
      { path: '-/npm/v1/keys', cache: 'mutable' },
      { path: '-/npm/v1/attestations/lodash@4.17.21', cache: 'immutable' },
      { path: '-/package/lodash/dist-tags', cache: 'mutable' },
      { path: '-/v1/search', cache: 'deny' },
      { path: '-/npm/v1/security/advisories/bulk', cache: 'deny' },
      { path: '-/npm/v1/security/audits/quick', cache: 'deny' },
      { path: '-/whoami', cache: 'deny' },
      { path: '-/ping', cache: 'deny' },
      { path: '-/user/org.couchdb.user:alice', cache: 'deny' },
      { path: '-/v1/login', cache: 'deny' },
    ])),
    [],
  );
});

test('paths that are no registry path are denied', (t) => {
  t.deepEqual(
    checkClassifications(plugin, rows([
      { path: 'a/b/c', cache: 'deny' },
      { path: '@scope', cache: 'deny' },
      { path: 'lodash/-/lodash-4.17.21.zip', cache: 'deny' },
    ])),
    [],
  );
});

test('a denial says why', (t) => {
  t.regex(plugin.classify('-/v1/search', ctx).reason ?? '', /search/);
});
