import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import Fastify from 'fastify';
import { uiBundleDir, uiRoutes } from '../src/http/ui-routes.js';

async function appWith(root: string | undefined) {
  const app = Fastify();
  await app.register(async (scope) => uiRoutes(scope, { root }));
  return app;
}

test('a missing bundle answers every /ui/ page with a 503 page that names the build command, not a crash', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'aapi-ui-'));
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  for (const root of [undefined, empty]) {
    const app = await appWith(root);
    for (const url of ['/ui', '/ui/', '/ui/assets/index-abc.js']) {
      const res = await app.inject({ url });
      t.is(res.statusCode, 503, url);
      t.regex(res.headers['content-type'] as string, /^text\/html/);
      t.regex(res.body, /npm run build/);
      t.regex(res.body, /AAPI_ERR_UI_NOT_BUILT/);
    }
    await app.close();
  }
});

test('a built bundle: /ui redirects to /ui/, the page is revalidated, hashed assets are kept forever, all under a same-origin CSP', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'aapi-ui-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'assets'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>ArtifactAPI</title><script type="module" src="./assets/index-abc.js"></script>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  const app = await appWith(root);
  t.teardown(() => app.close());

  const bare = await app.inject({ url: '/ui' });
  t.is(bare.statusCode, 301);
  t.is(bare.headers.location, 'ui/'); // relative: /ui → /ui/, also behind a path prefix

  const page = await app.inject({ url: '/ui/' });
  t.is(page.statusCode, 200);
  t.regex(page.headers['content-type'] as string, /^text\/html/);
  t.is(page.headers['cache-control'], 'no-cache');
  t.regex(page.headers['content-security-policy'] as string, /default-src 'self'/);
  t.is(page.headers['referrer-policy'], 'no-referrer');
  t.regex(page.body, /<title>ArtifactAPI<\/title>/);

  const asset = await app.inject({ url: '/ui/assets/index-abc.js' });
  t.is(asset.statusCode, 200);
  t.regex(asset.headers['content-type'] as string, /javascript/);
  t.is(asset.headers['cache-control'], 'public, max-age=31536000, immutable');

  t.is((await app.inject({ url: '/ui/assets/missing.js' })).statusCode, 404);
  t.is((await app.inject({ url: '/ui/../package.json' })).statusCode, 404);
});

test('uiBundleDir finds the ui workspace dist/ of this checkout', (t) => {
  t.regex(uiBundleDir() ?? '', /[\\/]ui[\\/]dist$/);
});
