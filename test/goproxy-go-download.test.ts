import { serviceGate } from '@artifactapi/core/testing/services';
import { startGoUpstream, type FixtureModule } from './goproxy-fixture.js';
import { GO_BIN, goModDownload, goRuns } from './goproxy-go-client.js';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

// Debian's golang-go downloads modules through a goproxy remote from a loopback module proxy
// whose signed checksum database go verifies through the proxy too (GOSUMDB with its key).
const go = await serviceGate(`go (apt: golang-go, ${GO_BIN})`, goRuns);

const OLD = '2021-03-04T05:06:07Z';
const MODULES: FixtureModule[] = [
  { path: 'example.com/hello', version: 'v1.0.0', time: OLD, files: { 'hello.go': 'package hello\n\nfunc Hello() string { return "hello" }\n' } },
  { path: 'example.com/hello', version: 'v1.1.0', time: OLD, files: { 'hello.go': 'package hello\n\nfunc Hello() string { return "hello, again" }\n', 'LICENSE': 'MIT\n' } },
  { path: 'github.com/Azure/Go-Thing', version: 'v0.2.0', time: OLD, files: { 'thing.go': 'package thing\n', 'README.md': '# Thing\n' } },
];

go.serial('go mod download through the proxy with the checksum database proxied, again from the cache, and again with the upstream gone', async (t) => {
  const fixture = await startGoUpstream(t, MODULES);
  const dir = await tempDir(t);
  const config = await writeConfig(
    dir,
    `remotes:\n  go:\n    type: remote\n    package: goproxy\n    base_url: '${fixture.upstream.url}'\n    sumdb_names: [${fixture.sumdb.name}]\n`,
  );
  const proxy = await startServe(t, { config });
  const env = { GOPROXY: `${proxy.url}/api/v1/remote/go`, GOSUMDB: fixture.sumdb.verifierKey };
  const args = ['example.com/hello@latest', 'example.com/hello@v1.0.0', 'github.com/Azure/Go-Thing@v0.2.0'];

  const first = await goModDownload(t, env, args);
  const expectWanted = (runs: typeof first, label: string) => {
    t.is(runs.length, 3, label);
    for (const got of runs) {
      t.is(got.Error, undefined, `${label}: ${got.Path}@${got.Version}`);
      const m = fixture.module(got.Path, got.Version);
      // go computed these from the bytes it received and checked them against the signed sumdb.
      t.is(got.Sum, m.zipHash, `${label}: zip hash of ${got.Path}@${got.Version}`);
      t.is(got.GoModSum, m.modHash, `${label}: go.mod hash of ${got.Path}@${got.Version}`);
    }
    t.is(runs.find((r) => r.Path === 'example.com/hello' && r.Version === 'v1.1.0')?.Version, 'v1.1.0', `${label}: @latest is the newest listed`);
  };
  expectWanted(first, 'first');
  const upstream = fixture.upstream;
  const azure = fixture.module('github.com/Azure/Go-Thing', 'v0.2.0');
  t.is(azure.paths.zip, '/github.com/!azure/!go-!thing/@v/v0.2.0.zip');
  t.is(upstream.hits(azure.paths.zip, 'GET'), 1, 'the case-encoded path went upstream as go sent it');
  t.is(upstream.hits(`/sumdb/${fixture.sumdb.name}/supported`, 'GET'), 1);
  t.is(upstream.hits(`/sumdb/${fixture.sumdb.name}/lookup/github.com/!azure/!go-!thing@v0.2.0`, 'GET'), 1, 'one lookup serves the proxy\'s check and go\'s');
  t.true(upstream.requests.some((r) => r.path.startsWith(`/sumdb/${fixture.sumdb.name}/tile/8/0/`)), 'go read tiles through the proxy');
  for (const m of fixture.modules) {
    for (const path of [m.paths.info, m.paths.mod, m.paths.zip]) t.true(upstream.hits(path, 'GET') <= 1, path);
  }

  const seen = upstream.requests.length;
  expectWanted(await goModDownload(t, env, args), 'from the cache');
  t.is(upstream.requests.length, seen, `a second download asks the upstream nothing: ${JSON.stringify(upstream.requests.slice(seen).map((r) => r.path))}`);

  await upstream.close();
  expectWanted(await goModDownload(t, env, args), 'upstream gone');
});

go.serial('a comma-separated GOPROXY falls through a 404 from the proxy to the next entry', async (t) => {
  const fixture = await startGoUpstream(t, MODULES.slice(0, 1));
  // The second GOPROXY entry: a plain static module proxy with a module the first one lacks.
  const other = await startGoUpstream(t, [{ path: 'example.com/elsewhere', version: 'v0.1.0', time: OLD, files: { 'e.go': 'package elsewhere\n' } }]);
  const dir = await tempDir(t);
  const config = await writeConfig(dir, `remotes:\n  go:\n    type: remote\n    package: goproxy\n    base_url: '${fixture.upstream.url}'\n    sumdb_verify: false\n`);
  const proxy = await startServe(t, { config });
  const got = await goModDownload(t, { GOPROXY: `${proxy.url}/api/v1/remote/go,${other.upstream.url}`, GOSUMDB: 'off' }, ['example.com/elsewhere@v0.1.0', 'example.com/hello@v1.0.0']);
  t.deepEqual(got.map((g) => [g.Path, g.Version, g.Error]), [['example.com/elsewhere', 'v0.1.0', undefined], ['example.com/hello', 'v1.0.0', undefined]]);
  t.is(got[0]!.Sum, other.module('example.com/elsewhere', 'v0.1.0').zipHash);
  t.true(fixture.upstream.hits('/example.com/elsewhere/@v/v0.1.0.info', 'GET') >= 1, 'the proxy asked its upstream first');
  t.is(other.upstream.hits('/example.com/hello/@v/v1.0.0.zip', 'GET'), 0, 'what the proxy has never reaches the next entry');
});
