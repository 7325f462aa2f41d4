import test from 'ava';
import { basicAuthorization, isFresh, parseChallenges, parseTokenResponse, repositoryScope, scopesFor, tokenCacheKey, tokenRequest } from '../src/index.js';
import type { Challenge } from '../src/index.js';

const challenge = (header: string): Challenge => parseChallenges(header)[0] as Challenge;
const HUB = challenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"');
const NOW = Date.parse('2026-12-04T10:00:00Z');

test('a pull scope, and the scope set asked for: the challenge’s plus ours, once each, sorted', (t) => {
  t.is(repositoryScope('library/nginx'), 'repository:library/nginx:pull');
  t.is(repositoryScope('team/app', ['pull', 'push']), 'repository:team/app:pull,push');
  t.deepEqual(scopesFor(HUB, ['repository:library/nginx:pull', 'repository:library/alpine:pull']), ['repository:library/alpine:pull', 'repository:library/nginx:pull']);
  t.deepEqual(scopesFor(challenge('Bearer realm="https://x/t",scope="a b"')), ['a', 'b']);
});

test('the token request: realm with service and each scope, Basic only when there are credentials', (t) => {
  const anonymous = tokenRequest(HUB, ['repository:library/nginx:pull', 'repository:library/alpine:pull']);
  const url = new URL(anonymous.url);
  t.is(url.origin + url.pathname, 'https://auth.docker.io/token');
  t.is(url.searchParams.get('service'), 'registry.docker.io');
  t.deepEqual(url.searchParams.getAll('scope'), ['repository:library/nginx:pull', 'repository:library/alpine:pull']);
  t.deepEqual(anonymous.headers, {});
  const withCreds = tokenRequest(challenge('Bearer realm="https://ghcr.io/token?client=x"'), [], { username: 'me', password: 'p:w' });
  t.is(withCreds.url, 'https://ghcr.io/token?client=x');
  t.is(withCreds.headers.authorization, `Basic ${Buffer.from('me:p:w').toString('base64')}`);
  t.is(basicAuthorization({ username: 'a', password: 'b' }), 'Basic YTpi');
});

test('a realm that is not an absolute http(s) URL is refused', (t) => {
  t.throws(() => tokenRequest(challenge('Bearer service="s"'), []), { message: /no realm/ });
  t.throws(() => tokenRequest(challenge('Bearer realm="/token"'), []), { message: /not a URL/ });
  t.throws(() => tokenRequest(challenge('Bearer realm="file:///etc/passwd"'), []), { message: /must be http/ });
});

test('token or access_token; expiry from expires_in less a margin, 60 s by default and at least', (t) => {
  t.deepEqual(parseTokenResponse({ token: 'a', expires_in: 300 }, NOW), { token: 'a', expiresAt: NOW + 290_000 });
  t.deepEqual(parseTokenResponse({ access_token: 'b' }, NOW), { token: 'b', expiresAt: NOW + 50_000 });
  t.is(parseTokenResponse({ token: 'c', expires_in: 5 }, NOW).expiresAt, NOW + 50_000);
  t.is(parseTokenResponse({ token: '', access_token: 'd' }, NOW).token, 'd');
  t.throws(() => parseTokenResponse({ expires_in: 60 }, NOW), { message: /neither token nor access_token/ });
  t.throws(() => parseTokenResponse('token', NOW), { message: /not a JSON object/ });
});

test('issued_at counts only when it is earlier than receipt: an auth server clock ahead cannot stretch a token', (t) => {
  const earlier = new Date(NOW - 100_000).toISOString();
  const later = new Date(NOW + 3_600_000).toISOString();
  t.is(parseTokenResponse({ token: 'a', expires_in: 300, issued_at: earlier }, NOW).expiresAt, NOW + 190_000);
  t.is(parseTokenResponse({ token: 'a', expires_in: 300, issued_at: later }, NOW).expiresAt, NOW + 290_000);
  t.is(parseTokenResponse({ token: 'a', expires_in: 300, issued_at: 'garbage' }, NOW).expiresAt, NOW + 290_000);
  const token = parseTokenResponse({ token: 'a', expires_in: 60 }, NOW);
  t.true(isFresh(token, NOW + 49_999));
  t.false(isFresh(token, NOW + 50_000));
});

test('the cache key separates realm, service, scope set and credentials, and holds no secret', (t) => {
  const scopes = ['repository:library/nginx:pull'];
  const anon = tokenCacheKey(HUB, scopes);
  const alice = tokenCacheKey(HUB, scopes, { username: 'alice', password: 's3cret' });
  t.not(anon, alice);
  t.not(alice, tokenCacheKey(HUB, scopes, { username: 'alice', password: 'other' }));
  t.not(anon, tokenCacheKey(HUB, ['repository:library/alpine:pull']));
  t.not(anon, tokenCacheKey(challenge('Bearer realm="https://ghcr.io/token",service="registry.docker.io"'), scopes));
  t.is(tokenCacheKey(HUB, ['b', 'a']), tokenCacheKey(HUB, ['a', 'b']));
  t.false(alice.includes('s3cret'));
  t.false(alice.includes('alice'));
});
