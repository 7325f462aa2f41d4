import test from 'ava';
import fc from 'fast-check';
import { assertPlainData, checkProperty, onlyThrowsSync, checkPrototypesAfterEach } from '@artifactapi/plugin-sdk/testkit/fuzz';
import { canonicalEncoding, decodedPath } from '../src/engine/path-encoding.js';
import { normaliseRepoPath } from '../src/engine/path.js';
import { AapiError } from '../src/errors.js';
import { fileNameOf, REPOSITORY_PREFIX, splitRepoUrl } from '../src/http/repo-path.js';

// Properties of repository path parsing: any request target is either refused with
// AAPI_ERR_PATH_INVALID or turned into one canonical spelling that cannot escape the repository.

checkPrototypesAfterEach(test.afterEach.always);

/** Request-target characters as node hands them over: latin1 bytes, escapes right and wrong, dots, slashes. */
const pathChar = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'B', '0', '-', '.', '_', '~', '/', '%', '@', ':', '+', ' ', '#', '\\', '\u0000', '\u007f', 'é', '\u00ff', '€', '😀'), weight: 4 },
  { arbitrary: fc.constantFrom('%2e', '%2E', '%2f', '%2F', '%5c', '%00', '%41', '%7e', '%e9', '%C3%A9', '%zz', '%4', '%%', '..', '@evil.test:80'), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 1 }), weight: 1 },
);
const rawPath = fc.array(pathChar, { maxLength: 24 }).map((parts) => parts.join(''));

function normalised(raw: string): string | undefined {
  try {
    return normaliseRepoPath(raw);
  } catch (err) {
    if (err instanceof AapiError && err.code === 'AAPI_ERR_PATH_INVALID') return undefined;
    throw err;
  }
}

test('normaliseRepoPath: AAPI_ERR_PATH_INVALID or a canonical path with no traversal, empty segment, control character or backslash', (t) => {
  checkProperty(
    fc.property(rawPath, (raw) => {
      const path = normalised(raw);
      if (path === undefined || path === '') return;
      if (normaliseRepoPath(path) !== path) throw new Error(`not idempotent: ${path} → ${normaliseRepoPath(path)}`);
      if (canonicalEncoding(path) !== path) throw new Error(`not canonical: ${path}`);
      const segments = path.split('/');
      segments.forEach((segment, i) => {
        if (segment === '' && i !== segments.length - 1) throw new Error(`empty segment in ${path}`);
        const decoded = decodeURIComponent(segment);
        for (const part of decoded.split('/')) if (part === '..' || part === '.') throw new Error(`traversal in ${path}`);
        // eslint-disable-next-line no-control-regex -- control characters are what must not get through
        if (/[\u0000-\u001f\u007f\\]/.test(decoded)) throw new Error(`control character or backslash in ${path}`);
      });
      if (/^@[^/]*[.:]/.test(decodeURIComponent(segments[0]!))) throw new Error(`host-like first segment in ${path}`);
      // Joined under a base, the path stays below it.
      const url = new URL(`https://upstream.test/base/${path}`);
      if (url.origin !== 'https://upstream.test' || !url.pathname.startsWith('/base/')) throw new Error(`${path} leaves the base: ${url.href}`);
    }),
    2000,
  );
  t.pass();
});

test('canonicalEncoding is idempotent and keeps the meaning of a path that decodes', (t) => {
  checkProperty(
    fc.property(rawPath, (raw) => {
      const canonical = canonicalEncoding(raw);
      if (canonicalEncoding(canonical) !== canonical) throw new Error(`${raw}: ${canonical} → ${canonicalEncoding(canonical)}`);
      const before = decodedPath(raw);
      // A raw non-ASCII character is one latin1 byte to node; only ASCII-only paths compare directly.
      // eslint-disable-next-line no-control-regex -- ASCII test
      if (before !== undefined && /^[\u0000-\u007f]*$/.test(raw) && decodedPath(canonical) !== before) throw new Error(`${raw} decodes to ${before}, ${canonical} to ${decodedPath(canonical)}`);
    }),
    2000,
  );
  t.pass();
});

test('round trip: segments encoded with encodeURIComponent normalise and decode back to themselves', (t) => {
  const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..');
  checkProperty(
    fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
      const raw = segments.map(encodeURIComponent).join('/');
      const path = normalised(raw);
      if (path === undefined) {
        // Refused only for what the contract refuses: control characters, backslashes, encoded traversal, a host-like start.
        // eslint-disable-next-line no-control-regex -- as above
        const refusable = segments.some((s) => /[\u0000-\u001f\u007f\\]/.test(s) || s.split('/').some((p) => p === '' || p === '.' || p === '..')) || /^@[^/]*[.:]/.test(segments[0]!);
        if (!refusable) throw new Error(`${raw} was refused`);
        return;
      }
      const back = path.split('/').map((s) => decodeURIComponent(s));
      if (JSON.stringify(back) !== JSON.stringify(segments)) throw new Error(`${JSON.stringify(segments)} → ${path} → ${JSON.stringify(back)}`);
    }),
    1000,
  );
  t.pass();
});

test('splitRepoUrl: AAPI_ERR_PATH_INVALID or a repository name and a normalised path; fileNameOf never throws', (t) => {
  const repoName = fc.oneof(fc.constantFrom('npm', 'my%20repo', '%E0', '%zz', '%', '', '..', '__proto__'), fc.string({ maxLength: 6 }));
  const query = fc.constantFrom('', '?', '?a=b', '?x=%zz', '#frag');
  checkProperty(
    fc.property(repoName, fc.constantFrom('', '/'), rawPath, query, (repo, slash, path, q) => {
      const url = `${REPOSITORY_PREFIX}${repo}${slash}${path}${q}`;
      const split = onlyThrowsSync([AapiError], () => splitRepoUrl(url, REPOSITORY_PREFIX));
      if (split === undefined) return;
      assertPlainData(split);
      if (split.path !== normaliseRepoPath(split.path)) throw new Error(`${url}: path ${split.path} is not normalised`);
      fileNameOf(split.path);
    }),
    2000,
  );
  t.pass();
});

test('regression: a repository name that does not percent-decode is AAPI_ERR_PATH_INVALID, not a URIError', (t) => {
  const err = t.throws(() => splitRepoUrl(`${REPOSITORY_PREFIX}%E0/file.txt`, REPOSITORY_PREFIX), { instanceOf: AapiError });
  t.is(err?.code, 'AAPI_ERR_PATH_INVALID');
});

test('regression: a stray % next to an escape does not become a new escape (%4%41 is malformed, not "J")', (t) => {
  t.is(canonicalEncoding('%4%41'), '%4%41');
  const err = t.throws(() => normaliseRepoPath('a/%4%41'), { instanceOf: AapiError });
  t.is(err?.code, 'AAPI_ERR_PATH_INVALID');
  t.is(normaliseRepoPath('a/%4A%41'), 'a/JA');
});
