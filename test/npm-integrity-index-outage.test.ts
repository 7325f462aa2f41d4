import test from 'ava';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { startFixtureRegistry, type FixtureRegistry } from './npm-fixture-registry.js';

const PUBLISHED = new Date('2022-01-10T08:00:00Z');
const ERROR_PAGE = '<html><body>503 Service Temporarily Unavailable</body></html>';

/** Whether the registry is broken; tests flip it. */
interface Outage {
  on: boolean;
}

/** While the outage is on, the packument answers 503. */
function breakPackument(registry: FixtureRegistry, name: string): Outage {
  const outage = { on: true };
  const packument = JSON.stringify(registry.packument(name));
  registry.upstream.setHandler(registry.packumentPath(name), (_req: IncomingMessage, res: ServerResponse) => {
    if (outage.on) res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(packument);
  });
  return outage;
}

/**
 * The tarball answers an HTML error page with status 200 (what a broken CDN or a captive portal
 * does) while the outage is on, and `original` afterwards; always the page without `original`.
 */
function breakTarball(registry: FixtureRegistry, path: string, outage: Outage, original?: Buffer): void {
  registry.upstream.setHandler(path, (_req: IncomingMessage, res: ServerResponse) => {
    const body = outage.on || !original ? Buffer.from(ERROR_PAGE) : original;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }).end(body);
  });
}

async function tarballBytes(registry: FixtureRegistry, name: string, version: string): Promise<Buffer> {
  const res = await fetch(`${registry.upstream.url}${registry.tarballPath(name, version)}`);
  return Buffer.from(await res.arrayBuffer());
}

test('bytes fetched while the packument is down are not kept as verified: once it is back they are checked and evicted', async (t) => {
  const registry = await startFixtureRegistry(t, [{ name: 'pkg', version: '1.0.0', published: PUBLISHED, files: { 'index.js': '1;\n' } }]);
  const original = await tarballBytes(registry, 'pkg', '1.0.0');
  const path = registry.tarballPath('pkg', '1.0.0');
  const proxied = (): number => registry.upstream.hits(path) - 1; // one was the test's own read
  const outage = breakPackument(registry, 'pkg');
  breakTarball(registry, path, outage, original);
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  const proc = await startServe(t, { config });
  const url = `${proc.url}/api/v1/remote/npmjs${path}`;

  // Without its index the download cannot be checked; it is passed on, stored as unverified.
  const during = await fetch(url);
  t.is(during.status, 200);
  t.is(await during.text(), ERROR_PAGE);
  const again = await fetch(url);
  t.is(await again.text(), ERROR_PAGE, 'still unverifiable: the cached copy is served');
  t.is(proxied(), 1);

  // The packument is back: the cached bytes fail its integrity, are evicted and fetched afresh.
  outage.on = false;
  const after = await fetch(url);
  t.is(after.status, 200);
  t.true(Buffer.from(await after.arrayBuffer()).equals(original), 'the real tarball, not the error page');
  t.is(after.headers.get('x-artifact-cache'), 'MISS');
  t.is(proxied(), 2);

  const hit = await fetch(url);
  t.true(Buffer.from(await hit.arrayBuffer()).equals(original));
  t.is(hit.headers.get('x-artifact-cache'), 'HIT');
  t.is(proxied(), 2);
});

test('cached bytes that fail the packument integrity are never served again, even when the upstream still sends them', async (t) => {
  const registry = await startFixtureRegistry(t, [{ name: 'pkg', version: '1.0.0', published: PUBLISHED, files: { 'index.js': '1;\n' } }]);
  const path = registry.tarballPath('pkg', '1.0.0');
  const outage = breakPackument(registry, 'pkg');
  breakTarball(registry, path, outage);
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  const proc = await startServe(t, { config });
  const url = `${proc.url}/api/v1/remote/npmjs${path}`;

  t.is((await fetch(url)).status, 200);
  outage.on = false;
  const after = await fetch(url);
  t.is(after.status, 502);
  t.is(((await after.json()) as { code: string }).code, 'AAPI_ERR_UPSTREAM_DIGEST');
  t.is(registry.upstream.hits(path), 2, 'the evicted copy was not served; the upstream was asked again');
});

test('with a quarantine, a tarball whose packument cannot be read is refused without fetching it', async (t) => {
  const registry = await startFixtureRegistry(t, [{ name: 'pkg', version: '1.0.0', published: PUBLISHED, files: { 'index.js': '1;\n' } }]);
  breakPackument(registry, 'pkg');
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}', quarantine_days: 3 }\n`);
  const proc = await startServe(t, { config });
  const path = registry.tarballPath('pkg', '1.0.0');

  const res = await fetch(`${proc.url}/api/v1/remote/npmjs${path}`);
  t.is(res.status, 502);
  t.is(((await res.json()) as { code: string }).code, 'AAPI_ERR_INDEX_UNAVAILABLE');
  t.is(registry.upstream.hits(path), 0);
});
