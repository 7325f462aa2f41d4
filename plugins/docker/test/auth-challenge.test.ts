import test from 'ava';
import { isInsufficientScope, parseChallenges, selectChallenge } from '../src/index.js';

test("Docker Hub's challenge", (t) => {
  t.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } },
  ]);
});

test('Basic, unquoted values, spaces around = and escaped quotes', (t) => {
  t.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  t.deepEqual(parseChallenges('bearer Realm = https://ghcr.io/token , service=ghcr.io'), [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io' } }]);
  t.deepEqual(parseChallenges('Basic realm="say \\"hi\\""')[0]?.params.realm, 'say "hi"');
});

test('several challenges in one header or in several headers, Bearer preferred over Basic', (t) => {
  const joined = parseChallenges('Basic realm="r", Bearer realm="https://a/token",service="s", Negotiate');
  t.deepEqual(joined.map((c) => c.scheme), ['basic', 'bearer', 'negotiate']);
  t.is(selectChallenge(joined)?.params.realm, 'https://a/token');
  const split = parseChallenges(['Basic realm="r"', 'Bearer realm="https://b/token"']);
  t.is(selectChallenge(split)?.scheme, 'bearer');
  t.is(selectChallenge(parseChallenges('Basic realm="r"'))?.scheme, 'basic');
  t.is(selectChallenge(parseChallenges('Negotiate')), undefined);
  t.deepEqual(parseChallenges(undefined), []);
});

test('an insufficient_scope error is told apart', (t) => {
  const [c] = parseChallenges('Bearer realm="https://a/token",service="s",scope="repository:x:pull,push",error="insufficient_scope"');
  t.true(c !== undefined && isInsufficientScope(c));
  const [plain] = parseChallenges('Bearer realm="https://a/token"');
  t.false(plain !== undefined && isInsufficientScope(plain));
});

test('an unterminated quote drops the rest instead of throwing', (t) => {
  t.deepEqual(parseChallenges('Bearer realm="https://a/token,service=s'), [{ scheme: 'bearer', params: {} }]);
});
