import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin, { baseUrl: 'https://proxy.golang.org', options: { sumdb_names: ['sum.golang.org'] } });

test('the GOPROXY protocol: lists and @latest mutable, canonical versions immutable, queries mutable, sumdb by name', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: 'golang.org/x/text/@v/list', cache: 'mutable', index: 'go-list' },
        { path: 'github.com/!azure/azure-sdk-for-go/@v/list', cache: 'mutable', index: 'go-list' },
        { path: 'golang.org/x/text/@latest', cache: 'mutable' },
        { path: 'golang.org/x/text/@v/v0.14.0.info', cache: 'immutable' },
        { path: 'golang.org/x/text/@v/v0.14.0.mod', cache: 'immutable' },
        { path: 'golang.org/x/text/@v/v0.14.0.zip', cache: 'immutable' },
        { path: 'golang.org/x/text/@v/v0.0.0-20230101120000-abcdefabcdef.zip', cache: 'immutable' },
        { path: 'github.com/x/y/@v/v2.0.0+incompatible.mod', cache: 'immutable' },
        { path: 'github.com/x/y/@v/v1.0.0-!r!c1.info', cache: 'immutable' },
        { path: 'golang.org/x/text/@v/master.info', cache: 'mutable' },
        { path: 'sumdb/sum.golang.org/supported', cache: 'mutable' },
        { path: 'sumdb/sum.golang.org/latest', cache: 'mutable' },
        { path: 'sumdb/sum.golang.org/lookup/golang.org/x/text@v0.14.0', cache: 'immutable' },
        { path: 'sumdb/sum.golang.org/tile/8/0/x001/234', cache: 'immutable' },
        { path: 'sumdb/sum.golang.org/tile/8/1/000.p/12', cache: 'immutable' },
        { path: 'sumdb/sum.golang.org/tile/8/data/000.p/3', cache: 'immutable' },
        { path: 'sumdb/sum.golang.org/anything-else', cache: 'deny' },
        { path: 'sumdb/sum.example.com/supported', cache: 'deny' },
        { path: 'github.com/Azure/x/@v/list', cache: 'deny' },
        { path: 'index.html', cache: 'deny' },
      ],
      ctx,
    ),
    [],
  );
});

test('%21 and ! are one spelling of case encoding', (t) => {
  t.is(plugin.canonicalPath('github.com/%21azure/x/@v/v1.0.0.zip', ctx), 'github.com/!azure/x/@v/v1.0.0.zip');
  t.is(plugin.canonicalPath('golang.org/x/text/@v/list', ctx), 'golang.org/x/text/@v/list');
});

test('checksum databases come through the upstream proxy, or straight from https://<name> with sumdb_direct', (t) => {
  t.is(plugin.upstreamUrl('sumdb/sum.golang.org/lookup/a.b/c@v1.0.0', ctx), 'https://proxy.golang.org/sumdb/sum.golang.org/lookup/a.b/c@v1.0.0');
  const direct = testContext(plugin, { baseUrl: 'https://athens.example.com', options: { sumdb_names: ['sum.golang.org'], sumdb_direct: true } });
  t.is(plugin.upstreamUrl('sumdb/sum.golang.org/tile/8/0/000', direct), 'https://sum.golang.org/tile/8/0/000');
  t.is(plugin.upstreamUrl('golang.org/x/text/@v/list', direct), 'https://athens.example.com/golang.org/x/text/@v/list');
  t.deepEqual(plugin.upstreamHosts!(direct), ['https://sum.golang.org']);
  t.deepEqual(plugin.upstreamHosts!(ctx), []);
});

test('a canonical .zip and .mod are listed in the first database\'s lookup and their .info; nosumdb and sumdb_verify drop the lookup', (t) => {
  const lookup = { path: 'sumdb/sum.golang.org/lookup/github.com/!azure/x@v1.0.0', index: 'go-sumdb-lookup' };
  const info = { path: 'github.com/!azure/x/@v/v1.0.0.info', index: 'go-info' };
  t.deepEqual(plugin.indexOf('github.com/!azure/x/@v/v1.0.0.zip', ctx), [lookup, info]);
  t.deepEqual(plugin.indexOf('github.com/!azure/x/@v/v1.0.0.mod', ctx), [lookup, info]);
  t.is(plugin.indexOf('github.com/!azure/x/@v/v1.0.0.info', ctx), undefined);
  t.is(plugin.indexOf('github.com/!azure/x/@v/list', ctx), undefined);
  t.is(plugin.indexOf('github.com/!azure/x/@v/master.zip', ctx), undefined);
  const privateCtx = testContext(plugin, { options: { sumdb_names: ['sum.golang.org'], nosumdb: ['github.com/Azure', '*.corp.example'] } });
  t.deepEqual(plugin.indexOf('github.com/!azure/x/@v/v1.0.0.zip', privateCtx), [info]);
  t.deepEqual(plugin.indexOf('git.corp.example/team/x/@v/v1.0.0.zip', privateCtx), [{ path: 'git.corp.example/team/x/@v/v1.0.0.info', index: 'go-info' }]);
  t.deepEqual(plugin.indexOf('github.com/other/x/@v/v1.0.0.zip', privateCtx), [{ path: 'sumdb/sum.golang.org/lookup/github.com/other/x@v1.0.0', index: 'go-sumdb-lookup' }, { path: 'github.com/other/x/@v/v1.0.0.info', index: 'go-info' }]);
  const noVerify = testContext(plugin, { options: { sumdb_verify: false } });
  t.deepEqual(plugin.indexOf('a.b/c/@v/v1.0.0.zip', noVerify), [{ path: 'a.b/c/@v/v1.0.0.info', index: 'go-info' }]);
});

test('sum.golang.org is the default checksum database', (t) => {
  const defaults = testContext(plugin, {});
  t.is(plugin.classify('sumdb/sum.golang.org/supported', defaults).cache, 'mutable');
  t.deepEqual(plugin.options?.properties['sumdb_names']?.['default'], ['sum.golang.org']);
});
