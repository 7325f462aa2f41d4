import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin, { baseUrl: 'https://index.example', options: { files_url: 'https://files.example/' } });
const H = 'ab/cd/ef0123456789abcdef0123456789abcdef0123456789abcdef01234567';

test('classifies simple pages, the JSON API, files and everything else', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: 'simple/', cache: 'mutable', index: 'projects' },
        { path: 'simple/requests/', cache: 'mutable', index: 'simple' },
        { path: 'simple/zope-interface/', cache: 'mutable', index: 'simple' },
        { path: 'pypi/requests/json', cache: 'mutable', index: 'legacy-json' },
        { path: 'pypi/requests/2.31.0/json', cache: 'mutable', index: 'legacy-json' },
        { path: `packages/${H}/requests-2.31.0-py3-none-any.whl`, cache: 'immutable' },
        { path: `packages/${H}/requests-2.31.0-py3-none-any.whl.metadata`, cache: 'immutable' },
        { path: 'packages/source/r/requests/requests-2.31.0.tar.gz', cache: 'immutable' },
        { path: 'integrity/requests/2.31.0/requests-2.31.0.tar.gz/provenance', cache: 'immutable' },
        { path: 'simple/Not_Normalised/', cache: 'deny' },
        { path: 'simple/a%20b/', cache: 'deny' },
        { path: 'packages/', cache: 'deny' },
        { path: `packages/${H}/`, cache: 'deny' },
        { path: 'account/login/', cache: 'deny' },
        { path: '', cache: 'deny' },
      ],
      ctx,
    ),
    [],
  );
});

test('canonicalPath gives every spelling of a project one cache key (PEP 503)', (t) => {
  const canonical = (path: string) => plugin.canonicalPath(path, ctx);
  for (const spelling of ['simple/Zope.Interface/', 'simple/zope_interface', 'simple/ZOPE--interface/', 'simple/zope-interface/', 'simple/Zope%2EInterface/']) {
    t.is(canonical(spelling), 'simple/zope-interface/', spelling);
  }
  t.is(canonical('simple'), 'simple/');
  t.is(canonical('simple/'), 'simple/');
  t.is(canonical('pypi/Zope.Interface/json'), 'pypi/zope-interface/json');
  t.is(canonical('pypi/Zope.Interface/5.0/json'), 'pypi/zope-interface/5.0/json');
});

test('canonicalPath spells file paths one way, as pip quotes them', (t) => {
  t.is(plugin.canonicalPath('packages/aa/demo-1.0+local.tar.gz', ctx), 'packages/aa/demo-1.0%2Blocal.tar.gz');
  t.is(plugin.canonicalPath('packages/aa/demo-1.0%2blocal.tar.gz', ctx), 'packages/aa/demo-1.0%2Blocal.tar.gz');
  t.is(plugin.canonicalPath('packages/aa/demo-1.0-py3-none-any.whl', ctx), 'packages/aa/demo-1.0-py3-none-any.whl');
});

test('files come from files_url, pages from base_url', (t) => {
  t.is(plugin.upstreamUrl(`packages/${H}/x-1.0.tar.gz`, ctx), `https://files.example/packages/${H}/x-1.0.tar.gz`);
  t.is(plugin.upstreamUrl('simple/x/', ctx), 'https://index.example/simple/x/');
  t.is(plugin.upstreamUrl('pypi/x/json', ctx), 'https://index.example/pypi/x/json');
  const noFilesHost = testContext(plugin, { baseUrl: 'https://index.example' });
  t.is(plugin.upstreamUrl('packages/aa/x-1.0.tar.gz', noFilesHost), 'https://index.example/packages/aa/x-1.0.tar.gz');
});

test('simple pages are asked for as PEP 691 JSON, accepting HTML from a PEP 503-only upstream', (t) => {
  const accept = plugin.upstreamHeaders('simple/x/', ctx).accept ?? '';
  t.true(accept.startsWith('application/vnd.pypi.simple.v1+json'));
  t.regex(accept, /text\/html;q=/);
  t.deepEqual(plugin.upstreamHeaders(`packages/${H}/x-1.0.tar.gz`, ctx), {});
});

test('indexOf finds the project page from the file name (wheel, sdist, legacy sdist, metadata)', (t) => {
  const page = (name: string) => ({ path: `simple/${name}/`, index: 'simple' });
  t.deepEqual(plugin.indexOf(`packages/${H}/Zope.Interface-5.0-cp311-cp311-manylinux_2_17_x86_64.whl`, ctx), page('zope-interface'));
  t.deepEqual(plugin.indexOf(`packages/${H}/zope_interface-5.0-1-py3-none-any.whl.metadata`, ctx), page('zope-interface'));
  t.deepEqual(plugin.indexOf(`packages/${H}/python-dateutil-2.8.2.tar.gz`, ctx), page('python-dateutil'));
  t.deepEqual(plugin.indexOf(`packages/${H}/typing_extensions-4.9.0.zip`, ctx), page('typing-extensions'));
  t.is(plugin.indexOf(`packages/${H}/README`, ctx), undefined);
  t.is(plugin.indexOf('simple/x/', ctx), undefined);
});
