import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import type { ClassifyRow } from '@artifactapi/plugin-sdk/testkit';
import { genericPlugin } from '../src/plugins/index.js';

const rows: ClassifyRow[] = [
  // Directory listings.
  { path: '', cache: 'mutable' },
  { path: 'dist/', cache: 'mutable' },
  { path: 'dist/v20.11.0/', cache: 'mutable' },
  // Versioned files.
  { path: 'dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz', cache: 'immutable' },
  { path: 'go1.22.0.linux-amd64.tar.gz', cache: 'immutable' },
  { path: 'releases/download/v1.2.3/app_1.2.3_linux_amd64.tar.gz', cache: 'immutable' },
  { path: 'files/concurrent-utils-1.0.jar', cache: 'immutable' },
  // Rolling names.
  { path: 'dist/latest/node-v21.0.0.tar.gz', cache: 'mutable' },
  { path: 'dist/latest-v20.x/SHASUMS256.txt', cache: 'mutable' },
  { path: 'owner/repo/releases/latest/download/app.zip', cache: 'mutable' },
  { path: 'release/stable.txt', cache: 'mutable' },
  { path: 'rclone-current-linux-amd64.zip', cache: 'mutable' },
  { path: 'builds/Nightly/app.tar.gz', cache: 'mutable' },
  { path: 'com/acme/app/1.0-SNAPSHOT/app-1.0-SNAPSHOT.jar', cache: 'mutable' },
  // Lists that upstreams rewrite in place.
  { path: 'dist/index.json', cache: 'mutable' },
  { path: 'dist/index.tab', cache: 'mutable' },
  { path: 'downloads/index.html', cache: 'mutable' },
  { path: 'dist/v20.11.0/SHASUMS256.txt', cache: 'mutable' },
  { path: 'dist/v20.11.0/SHASUMS256.txt.asc', cache: 'mutable' },
  { path: 'dist/v20.11.0/SHASUMS256.txt.sig', cache: 'mutable' },
  { path: 'releases/22.04/SHA256SUMS', cache: 'mutable' },
  { path: 'releases/22.04/SHA256SUMS.gpg', cache: 'mutable' },
  { path: 'images/MD5SUMS', cache: 'mutable' },
  { path: 'tool/checksums.txt', cache: 'mutable' },
  { path: 'tool/versions.json', cache: 'mutable' },
  { path: 'com/acme/app/maven-metadata.xml', cache: 'mutable' },
  { path: 'debian/dists/bookworm/InRelease', cache: 'mutable' },
  { path: 'debian/dists/bookworm/main/binary-amd64/Packages.xz', cache: 'mutable' },
  // Per-file sidecars and per-release lists describe files that never change.
  { path: 'dist/v20.11.0/node-v20.11.0.tar.gz.sha256', cache: 'immutable' },
  { path: 'app-1.0.tar.gz.asc', cache: 'immutable' },
  { path: 'app-1.0.tar.gz.sha512', cache: 'immutable' },
  { path: 'releases/download/v1.2.3/app_1.2.3_checksums.txt', cache: 'immutable' },
  { path: 'index.tar.gz', cache: 'immutable' },
  // Debian by-hash names are their own digests; pool files are versioned.
  { path: 'debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/0f3c9a', cache: 'immutable' },
  { path: 'debian/pool/main/c/curl/curl_7.88.1-10_amd64.deb', cache: 'immutable' },
];

test('generic classifies listings, rolling names and rewritten lists as mutable, the rest immutable', (t) => {
  t.deepEqual(checkClassifications(genericPlugin, rows), []);
});

test('generic denies nothing and names no index kind', (t) => {
  for (const row of rows) {
    const got = genericPlugin.classify(row.path, testContext(genericPlugin));
    t.not(got.cache, 'deny', row.path);
    t.is(got.index, undefined, row.path);
  }
});

test('generic fetches the path under the base URL', (t) => {
  const ctx = testContext(genericPlugin, { baseUrl: 'https://nodejs.org/dist' });
  t.is(genericPlugin.upstreamUrl('v20.11.0/SHASUMS256.txt', ctx), 'https://nodejs.org/dist/v20.11.0/SHASUMS256.txt');
  t.is(genericPlugin.type, 'generic');
  t.is(genericPlugin.apiVersion, 2);
});
