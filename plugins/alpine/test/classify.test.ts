import test from 'ava';
import { checkClassifications, testContext } from '@artifactapi/plugin-sdk/testkit';
import plugin from '../src/index.js';

const ctx = testContext(plugin, { baseUrl: 'https://dl-cdn.alpinelinux.org/alpine' });

test('APKINDEX.tar.gz is the mutable apkindex; packages are immutable; the rest of a mirror is mutable', (t) => {
  t.deepEqual(
    checkClassifications(
      plugin,
      [
        { path: 'v3.20/main/x86_64/APKINDEX.tar.gz', cache: 'mutable', index: 'apkindex' },
        { path: 'edge/testing/aarch64/APKINDEX.tar.gz', cache: 'mutable', index: 'apkindex' },
        { path: 'v3.20/main/x86_64/curl-8.9.1-r0.apk', cache: 'immutable' },
        { path: 'v3.20/community/x86_64/libstdc++-13.2.1_git20240309-r0.apk', cache: 'immutable' },
        { path: 'v3.20/main/x86_64/.apk', cache: 'mutable' },
        { path: 'last-updated', cache: 'mutable' },
        { path: 'v3.20/releases/x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz', cache: 'mutable' },
        { path: 'v3.20/releases/x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz.sha256', cache: 'mutable' },
        { path: 'v3.20/main/x86_64/APKINDEX.tar.gz.bak', cache: 'mutable' },
      ],
      ctx,
    ),
    [],
  );
});

test('the index is served as stored: no rewriter, so its signature stays valid', (t) => {
  t.deepEqual(Object.keys(plugin.rewriters), []);
  t.deepEqual(Object.keys(plugin.inspectors), ['apkindex']);
  t.deepEqual(Object.keys(plugin.verifiers ?? {}), ['apk-control']);
});

test('a package is listed in the APKINDEX.tar.gz of its own directory', (t) => {
  t.deepEqual(plugin.indexOf('v3.20/main/x86_64/curl-8.9.1-r0.apk', ctx), { path: 'v3.20/main/x86_64/APKINDEX.tar.gz', index: 'apkindex' });
  t.deepEqual(plugin.indexOf('curl-8.9.1-r0.apk', ctx), { path: 'APKINDEX.tar.gz', index: 'apkindex' });
  t.is(plugin.indexOf('v3.20/main/x86_64/APKINDEX.tar.gz', ctx), undefined);
  t.is(plugin.indexOf('last-updated', ctx), undefined);
});

test('upstream URLs are base_url plus the path (the index holds only file names)', (t) => {
  t.is(plugin.upstreamUrl('v3.20/main/x86_64/APKINDEX.tar.gz', ctx), 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz');
});
