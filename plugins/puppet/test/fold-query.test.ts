import test from 'ava';
import { testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';
import { foldListQuery } from '../src/forge-paths.js';

test('one cache key per list, however the client orders or spells its query', (t) => {
  const a = foldListQuery('v3/releases', 'sort_by=version&module=puppetlabs-stdlib&limit=20&offset=20');
  const b = foldListQuery('v3/releases', 'offset=20&limit=20&module=puppetlabs-stdlib&sort_by=version');
  t.is(a, 'v3/releases;limit=20&module=puppetlabs-stdlib&offset=20&sort_by=version');
  t.is(a, b);
  t.is(foldListQuery('v3/releases', 'exclude_fields=readme,changelog'), foldListQuery('v3/releases', 'exclude_fields=readme%2Cchangelog'));
  t.is(foldListQuery('v3/modules', ''), 'v3/modules;');
});

test('different pages and modules are different keys', (t) => {
  t.not(foldListQuery('v3/releases', 'module=a-b'), foldListQuery('v3/releases', 'module=a-b&offset=20'));
  t.not(foldListQuery('v3/releases', 'module=a-b'), foldListQuery('v3/releases', 'module=a-c'));
  t.not(foldListQuery('v3/releases', 'module=a-b'), foldListQuery('v3/modules', 'module=a-b'));
});

test('a folded path that reaches the engine another way (a literal `;` in the URL) gets the same key', (t) => {
  const ctx = testContext(plugin);
  t.is(plugin.canonicalPath('v3/releases;sort_by=version&module=a-b', ctx), 'v3/releases;module=a-b&sort_by=version');
  const folded = foldListQuery('v3/releases', 'module=a-b&exclude_fields=readme,created_at');
  t.is(plugin.canonicalPath(folded, ctx), folded, 'folding twice changes nothing');
  t.is(plugin.canonicalPath('v3/files/a-b-1.0.0.tar.gz', ctx), 'v3/files/a-b-1.0.0.tar.gz');
});
