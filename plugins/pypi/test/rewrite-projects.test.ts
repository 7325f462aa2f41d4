import test from 'ava';
import { runRewriter } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const html = '<html><body><a href="/simple/Flask/">Flask</a><a href="/simple/zope-interface/">zope.interface</a></body></html>';

test('the project list gets absolute links to the proxy (upstream links are host-relative)', async (t) => {
  const result = await runRewriter(plugin, 'projects', html, { path: 'simple/', variant: 'html' });
  const text = new TextDecoder().decode(result.body);
  t.is(result.contentType, 'text/html; charset=utf-8');
  t.true(text.includes('<a href="http://proxy.test/api/v1/remote/test/simple/flask/">Flask</a>'));
  t.true(text.includes('<a href="http://proxy.test/api/v1/remote/test/simple/zope-interface/">zope.interface</a>'));
});

test('the project list converts between HTML and JSON, and passes JSON through', async (t) => {
  const fromHtml = await runRewriter(plugin, 'projects', html, { path: 'simple/', variant: 'json' });
  t.deepEqual(JSON.parse(new TextDecoder().decode(fromHtml.body)), { meta: { 'api-version': '1.0' }, projects: [{ name: 'Flask' }, { name: 'zope.interface' }] });
  const json = '{"meta":{"api-version":"1.1","_last-serial":7},"projects":[{"name":"Flask","_last-serial":7}]}';
  const same = await runRewriter(plugin, 'projects', json, { path: 'simple/', variant: 'json' });
  t.is(new TextDecoder().decode(same.body), json);
  const toHtml = await runRewriter(plugin, 'projects', json, { path: 'simple/', variant: 'v1-html' });
  t.is(toHtml.contentType, 'application/vnd.pypi.simple.v1+html');
  t.true(new TextDecoder().decode(toHtml.body).includes('href="http://proxy.test/api/v1/remote/test/simple/flask/"'));
});
