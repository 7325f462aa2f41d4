import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { puppetHome, puppetModuleInstall, puppetTest } from './puppet-client.js';
import { buildReleases, fixtureReleases, forgeConfig, startForge } from './puppet-forge.js';

/** Where the embedded blob store keeps bytes: `blobs/sha256/<aa>/<hash>` under the data dir. */
function blobPath(dataDir: string, bytes: Buffer): string {
  const hex = createHash('sha256').update(bytes).digest('hex');
  return join(dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex);
}

/** A GET that never rejects; `body` is undefined when the response broke off before its end. */
async function attempt(url: string): Promise<{ status: number; cache: string | null; body?: Buffer }> {
  const res = await fetch(url);
  try {
    return { status: res.status, cache: res.headers.get('x-artifact-cache'), body: Buffer.from(await res.arrayBuffer()) };
  } catch {
    return { status: res.status, cache: res.headers.get('x-artifact-cache') };
  }
}

// acme-app-1.2.0's release gives file_sha256; acme-lib-2.0.0's gives only file_md5.
for (const slug of ['acme-app-1.2.0', 'acme-lib-2.0.0']) {
  test(`the ${slug} tarball that does not match its release's digest is refused and never stored`, async (t) => {
    const forge = await startForge(t, await buildReleases(fixtureReleases()));
    const evil = forge.tamper(slug);
    const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), forgeConfig(forge.upstream.url)) });
    const url = `${proxy.url}/api/v1/remote/forge/v3/files/${slug}.tar.gz`;
    const upstreamPath = `/v3/files/${slug}.tar.gz`;

    for (const round of [1, 2]) {
      const r = await attempt(url);
      t.not(r.cache, 'HIT', `round ${round}: never served from cache`);
      if (r.status === 200) {
        // The digest is known only at the end of the download: then the response breaks off.
        t.is(r.body, undefined, `round ${round}: a 200 must break off before its end`);
      } else {
        t.is(r.status, 502, `round ${round}`);
        t.regex(r.body?.toString() ?? '', /AAPI_ERR_UPSTREAM_DIGEST/);
      }
    }
    t.is(forge.upstream.hits(upstreamPath, 'GET'), 2, 'nothing was stored, so the second request went upstream again');
    t.false(existsSync(blobPath(proxy.dataDir, evil)), 'the tampered bytes are not in the blob store');

    // Once the upstream serves the bytes its release promises, they are stored and served as they are.
    const good = forge.releases.find((r) => r.slug === slug)!.tarball;
    forge.upstream.setFile(upstreamPath, { body: good, contentType: 'application/octet-stream' });
    const fixed = await attempt(url);
    t.is(fixed.status, 200);
    t.true(fixed.body?.equals(good));
    const hit = await attempt(url);
    t.is(hit.cache, 'HIT');
    t.true(hit.body?.equals(good));
    t.is(forge.upstream.hits(upstreamPath, 'GET'), 3);
    t.true(existsSync(blobPath(proxy.dataDir, good)), 'the blob check above can fail: the good bytes are stored there');
  });
}

puppetTest('puppet module install fails on a tampered dependency and installs nothing of it', async (t) => {
  const forge = await startForge(t, await buildReleases(fixtureReleases()));
  forge.tamper('acme-lib-2.0.0');
  const proxy = await startServe(t, { config: await writeConfig(await tempDir(t), forgeConfig(forge.upstream.url)) });
  const home = await puppetHome(t);
  const failure = await t.throwsAsync(puppetModuleInstall(home, 'acme-app', `${proxy.url}/api/v1/remote/forge`));
  // A 502 whose reason phrase names the code, or (when the bytes were already on their way) a cut-off body puppet's own md5 check refuses.
  t.regex(failure?.message ?? '', /AAPI_ERR_UPSTREAM_DIGEST|did not match expected checksum/);
  t.false(existsSync(join(home.modules, 'lib')));
});
