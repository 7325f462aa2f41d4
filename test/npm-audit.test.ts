import test from 'ava';
import { startServe } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { npmProject } from './npm-cli.js';
import { startFixtureRegistry } from './npm-fixture-registry.js';

// npm audit POSTs its dependency list to the registry. The proxy forwards no POST upstream, so it
// must say so in a way npm prints, not fail parsing the gzipped body ("Body is not valid JSON").

test('npm audit through the proxy gets a clear 405 naming the upstream, and nothing is POSTed upstream', async (t) => {
  const registry = await startFixtureRegistry(t, [{ name: 'lib', version: '1.0.0', published: new Date('2023-05-01T12:00:00Z') }]);
  const config = await writeConfig(await tempDir(t), `log: { level: warn }\nremotes:\n  npmjs: { type: remote, package: npm, base_url: '${registry.upstream.url}' }\n`);
  const proc = await startServe(t, { config });
  const url = `${proc.url}/api/v1/remote/npmjs/`;
  const project = await npmProject(t, { lib: '^1.0.0' });
  const install = await project.npm(['install', `--registry=${url}`, '--no-audit']);
  t.is(install.code, 0, install.stderr);

  const audit = await project.npm(['audit', `--registry=${url}`]);
  const output = audit.stdout + audit.stderr;
  t.not(audit.code, 0, output);
  t.regex(output, /405 AAPI_ERR_METHOD_NOT_ALLOWED/, output);
  t.regex(output, /send npm audit and other POST requests to the upstream registry \(http:\/\/127\.0\.0\.1:\d+\) directly/, output);
  t.notRegex(output, /not valid JSON|\[object Object\]/, output);
  for (const path of ['/-/npm/v1/security/advisories/bulk', '/-/npm/v1/security/audits/quick']) {
    t.is(registry.upstream.hits(path, 'POST'), 0, path);
  }
});
