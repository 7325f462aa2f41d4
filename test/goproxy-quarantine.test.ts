import test from 'ava';
import { serviceGate } from '@artifactapi/core/testing/services';
import { startGoUpstream, type FixtureModule } from './goproxy-fixture.js';
import { GO_BIN, goModDownload, goRuns } from './goproxy-go-client.js';
import { startServe } from './helpers/serve-process.js';
import type { Teardown } from './helpers/teardown.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';

const go = await serviceGate(`go (apt: golang-go, ${GO_BIN})`, goRuns);

const OLD = '2021-03-04T05:06:07Z';
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const MODULES: FixtureModule[] = [
  { path: 'example.com/hello', version: 'v1.0.0', time: OLD, files: { 'hello.go': 'package hello\n' } },
  { path: 'example.com/hello', version: 'v1.1.0', time: YESTERDAY, files: { 'hello.go': 'package hello // new\n' } },
];
const SUMDB = 'sum.example.test';

async function quarantinedProxy(t: Teardown) {
  const fixture = await startGoUpstream(t, MODULES, { sumdbName: SUMDB });
  const dir = await tempDir(t);
  const config = await writeConfig(
    dir,
    `remotes:\n  go:\n    type: remote\n    package: goproxy\n    base_url: '${fixture.upstream.url}'\n    sumdb_names: [${SUMDB}]\n    quarantine_days: 3\n`,
  );
  return { fixture, proxy: await startServe(t, { config }) };
}

test.serial('quarantine by the .info Time: young versions are left out of @v/list, and their .mod and .zip are 451', async (t) => {
  const { fixture, proxy } = await quarantinedProxy(t);
  const api = `${proxy.url}/api/v1/remote/go`;
  const young = fixture.module('example.com/hello', 'v1.1.0');
  const old = fixture.module('example.com/hello', 'v1.0.0');

  const list = await fetch(`${api}${young.paths.list}`);
  t.is(await list.text(), 'v1.0.0\n', 'v1.1.0 was committed yesterday');
  for (const path of [young.paths.mod, young.paths.zip]) {
    const res = await fetch(api + path);
    t.is(res.status, 451, path);
    t.is(((await res.json()) as { error: { code: string } }).error.code, 'AAPI_ERR_QUARANTINED');
  }
  t.is(fixture.upstream.hits(young.paths.zip), 0, 'a quarantined zip is never fetched');
  const zip = await fetch(api + old.paths.zip);
  t.is(zip.status, 200);
  t.true(Buffer.from(await zip.arrayBuffer()).equals(old.zip));
});

go.serial('go resolves @latest to the newest version out of quarantine', async (t) => {
  const { fixture, proxy } = await quarantinedProxy(t);
  const got = await goModDownload(t, { GOPROXY: `${proxy.url}/api/v1/remote/go`, GOSUMDB: fixture.sumdb.verifierKey }, ['example.com/hello@latest']);
  t.deepEqual(got.map((g) => [g.Path, g.Version, g.Error]), [['example.com/hello', 'v1.0.0', undefined]]);
  t.is(got[0]!.Sum, fixture.module('example.com/hello', 'v1.0.0').zipHash);
  await t.throwsAsync(goModDownload(t, { GOPROXY: `${proxy.url}/api/v1/remote/go`, GOSUMDB: fixture.sumdb.verifierKey }, ['example.com/hello@v1.1.0']), { message: /451/ });
});
