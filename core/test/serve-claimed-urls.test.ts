import test from 'ava';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import { ClaimedUrls } from '../src/http/claimed-urls.js';
import { pluginSandbox } from './helpers/plugin-sandbox.js';
import { startProxy } from './helpers/proxy.js';

// Plugin routes under the core's repository URLs get their requests, though the hot path answers
// repository reads ahead of fastify's routing (src/http/claimed-urls.ts). The claims fixture
// plugin answers /api/v1/remote/{repo}/special/* itself, and its classify caches every path.

test('a plugin route under the repository URLs answers its URLs, misses and repeats alike; other paths stay the core\'s', async (t) => {
  const upstream = await startUpstream({ files: { '/special/a.txt': 'upstream bytes', '/plain/b.txt': 'plain bytes' } });
  t.teardown(() => upstream.close());
  const root = await pluginSandbox(t, ['artifactapi-plugin-claims']);
  const proxy = await startProxy(t, `remotes:\n  c:\n    type: remote\n    package: claims\n    base_url: ${upstream.url}\n`, { pluginSearchFrom: [root] });

  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${proxy.url}/api/v1/remote/c/special/a.txt?i=${i}`);
    t.is(res.status, 200);
    t.is(res.headers.get('x-answered-by'), 'claims-route');
    t.is(await res.text(), 'route for a.txt');
  }
  t.is(upstream.hits('/special/a.txt'), 0, 'the core never fetched what the plugin route answers');

  for (const cache of ['MISS', 'HIT', 'HIT']) {
    const res = await fetch(`${proxy.url}/api/v1/remote/c/plain/b.txt`);
    t.is(await res.text(), 'plain bytes');
    t.is(res.headers.get('x-artifact-cache'), cache);
    t.is(res.headers.get('x-answered-by'), null);
  }
});

test('claimed URL patterns match as fastify\'s router matches simple ones; fancier ones claim what follows their static beginning', (t) => {
  const claimed = new ClaimedUrls();
  t.false(claimed.claims('/api/v1/remote/a/v3/releases'), 'nothing claimed');
  claimed.claim('/api/v1/remote/:repo/v3/releases');
  claimed.claim('/api/v1/remote/:repo/mirror/*');
  claimed.claim('/api/v1/remote/:repo/.well-known/terraform.json');
  claimed.claim('/v2/*');
  claimed.claim('/api/v1/remote/fixed/:name(^\\d+)/x');
  t.true(claimed.claims('/api/v1/remote/forge/v3/releases?module=a'));
  t.false(claimed.claims('/api/v1/remote/forge/v3/releases/acme-app-1.0.0'), 'a release document is the core\'s');
  t.false(claimed.claims('/api/v1/remote/forge/v3/releasesX'));
  t.true(claimed.claims('/api/v1/remote/tf/mirror/registry.terraform.io/hashicorp/aws/index.json'));
  t.false(claimed.claims('/api/v1/remote/tf/mirrors/x'));
  t.true(claimed.claims('/api/v1/remote/tf/.well-known/terraform.json'));
  t.false(claimed.claims('/api/v1/remote/tf/.well-known/terraformXjson'), 'a dot is a dot');
  t.false(claimed.claims('/v2/library/alpine/blobs/sha256:00'), 'only patterns under the repository URLs count');
  t.true(claimed.claims('/api/v1/remote/fixed/anything/at/all'), 'a regular expression parameter claims all under its static beginning');
  t.false(claimed.claims('/api/v1/remote/other/a'));
});
