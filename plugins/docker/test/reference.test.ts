import test from 'ava';
import { checkImageName, digestOf, isImageName, parseDigest, parseReference } from '../src/index.js';
import type { RegistryError } from '../src/index.js';

const SHA256 = `sha256:${'a'.repeat(64)}`;
const code = (fn: () => unknown) => (() => {
  try {
    fn();
  } catch (err) {
    return `${(err as RegistryError).code} ${(err as RegistryError).status}`;
  }
  return 'ok';
})();

test('image names follow the distribution grammar: lower-case components joined by . _ __ or dashes', (t) => {
  for (const name of ['nginx', 'library/nginx', 'a/b/c/d', 'my-app', 'my--app', 'my.app', 'my_app', 'my__app', 'ghcr.io-mirror/x', '0/1']) {
    t.true(isImageName(name), name);
  }
  for (const name of ['', 'Nginx', 'nginx/', '/nginx', 'a//b', '-a', 'a-', 'a___b', 'a..b', 'a._b', 'nginx:latest', 'a%2fb', 'a b']) {
    t.false(isImageName(name), name);
  }
});

test('a name longer than 255 characters is NAME_INVALID, one of 255 is fine', (t) => {
  const long = `${'a'.repeat(127)}/${'b'.repeat(127)}`;
  t.is(long.length, 255);
  t.is(checkImageName(long), long);
  t.is(code(() => checkImageName(`${long}c`)), 'NAME_INVALID 400');
  t.is(code(() => checkImageName('UPPER')), 'NAME_INVALID 400');
});

test('references with a colon are digests, others tags; each broken one gets its own code', (t) => {
  t.deepEqual(parseReference('latest'), { kind: 'tag', tag: 'latest' });
  t.deepEqual(parseReference('_v1.2-rc.3'), { kind: 'tag', tag: '_v1.2-rc.3' });
  t.deepEqual(parseReference(SHA256), { kind: 'digest', digest: SHA256 });
  t.is(code(() => parseReference('T'.repeat(128))), 'ok');
  t.is(code(() => parseReference('T'.repeat(129))), 'TAG_INVALID 400');
  t.is(code(() => parseReference('.hidden')), 'TAG_INVALID 400');
  t.is(code(() => parseReference('-x')), 'TAG_INVALID 400');
  t.is(code(() => parseReference('sha256:abc')), 'DIGEST_INVALID 400');
});

test('digests: sha256 and sha512 in lower-case hex; other algorithms and spellings are DIGEST_INVALID', (t) => {
  t.deepEqual(parseDigest(SHA256), { algorithm: 'sha256', hex: 'a'.repeat(64) });
  t.deepEqual(parseDigest(`sha512:${'0'.repeat(128)}`), { algorithm: 'sha512', hex: '0'.repeat(128) });
  for (const bad of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `sha512:${'a'.repeat(64)}`, `md5:${'a'.repeat(32)}`, `SHA256:${'a'.repeat(64)}`, 'sha256', ':abc', `sha256+b64u:${'a'.repeat(64)}`]) {
    t.is(code(() => parseDigest(bad)), 'DIGEST_INVALID 400', bad);
  }
});

test('digestOf hashes the exact bytes', (t) => {
  t.is(digestOf(''), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.is(digestOf(new Uint8Array([0x7b, 0x7d])), digestOf('{}'));
  t.true(/^sha512:[a-f0-9]{128}$/.test(digestOf('x', 'sha512')));
});
