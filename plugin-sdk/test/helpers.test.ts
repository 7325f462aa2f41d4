import test from 'ava';
import { filterVersions, parseAccept, parseChallenges, preferredMediaType, qualityOf, taskRef, UrlMapping } from '../src/index.js';

test('Accept: the most specific matching range gives the quality; exact-only when wildcards are off', (t) => {
  const ranges = parseAccept('application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*');
  t.is(qualityOf(ranges, 'application/json'), 0.8);
  t.is(qualityOf(ranges, 'text/html'), 1);
  t.is(qualityOf(parseAccept('*/*'), 'application/vnd.x+json', { wildcards: false }), 0);
  t.is(preferredMediaType('text/html;q=0.5, application/json', ['text/html', 'application/json'] as const, 'text/html'), 'application/json');
  t.is(preferredMediaType(undefined, ['a/b'] as const, 'a/b'), 'a/b');
  t.deepEqual(parseAccept('text/html;level=1;q=x'), [{ type: 'text/html', q: 0, params: { level: '1' } }]);
});

test('UrlMapping maps upstream URLs to proxy paths and back, and refuses other hosts and credentials', (t) => {
  const map = new UrlMapping([
    { upstream: 'https://charts.example.com/stable/', prefix: '' },
    { upstream: 'https://GitHub.com', prefix: '-/files/' },
  ]);
  t.is(map.toPath('x-1.0.0.tgz'), 'x-1.0.0.tgz');
  t.is(map.toPath('https://github.com/org/r/x.tgz'), '-/files/org/r/x.tgz');
  t.is(map.toPath('https://other.example/x.tgz'), undefined);
  t.is(map.toPath('https://u:p@github.com/x.tgz'), undefined);
  t.is(map.toUrl('-/files/org/r/x.tgz'), 'https://github.com/org/r/x.tgz');
  t.is(map.toUrl('x-1.0.0.tgz'), 'https://charts.example.com/stable/x-1.0.0.tgz');
});

test('filterVersions leaves out quarantined and firewalled versions and says why', (t) => {
  const versions = [
    { version: '1.0.0', publishedAt: '2020-01-01T00:00:00Z' },
    { version: '2.0.0', publishedAt: Date.UTC(2030, 0, 1) },
    { version: '1.5.0' },
    { version: '1.6.6', publishedAt: 0 },
  ];
  const { kept, left } = filterVersions(versions, { quarantineCutoff: Date.UTC(2025, 0, 1), allow: (v) => v !== '1.6.6' });
  t.deepEqual(kept.map((v) => v.version), ['1.0.0', '1.5.0']);
  t.deepEqual(left, [
    { version: '2.0.0', verdict: 'quarantined' },
    { version: '1.6.6', verdict: 'denied' },
  ]);
  t.deepEqual(filterVersions(versions, { quarantineCutoff: 0, keepUndated: false }).kept.map((v) => v.version), ['1.6.6']);
});

test('parseChallenges reads registry Bearer challenges, quoted commas included', (t) => {
  t.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' } },
  ]);
  t.deepEqual(parseChallenges('Basic realm="x", Bearer realm="y"').map((c) => [c.scheme, c.params['realm']]), [['basic', 'x'], ['bearer', 'y']]);
  t.deepEqual(parseChallenges(undefined), []);
});

test('taskRef takes a file: URL and an export name', (t) => {
  const ref = taskRef<{ n: number }, string>(new URL('file:///tasks/x.js'), 'run');
  t.deepEqual({ ...ref }, { module: 'file:///tasks/x.js', export: 'run' });
  t.throws(() => taskRef('https://x/y.js', 'run'), { message: /file: URL/ });
});
