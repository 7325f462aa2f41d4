import test from 'ava';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './helpers/run-cli.js';
import { spawnServe } from './helpers/serve-process.js';
import { fixture } from './helpers/paths.js';
import { tempDir } from './helpers/temp-dir.js';

test('check-config accepts a valid file and exits 0', async (t) => {
  const result = await runCli(['check-config', fixture('config/valid.yaml')]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /valid \(2 repositories, 1 virtual\)/);
  t.is(result.stderr, '');
});

const invalid: [file: string, keyPath: string, detail: RegExp][] = [
  ['bad-type.yaml', 'remotes.x.cache.mutable_ttl', /non-negative integer.*"soon"/],
  ['missing-base-url.yaml', 'remotes.x.base_url', /required/],
  ['bad-regex.yaml', 'remotes.x.patterns[1]', /regular expression/],
  ['unknown-member.yaml', 'virtuals.all.members[1]', /"nope"/],
  ['missing-var.yaml', 'remotes.x.password', /AAPI_E2E_UNSET_VARIABLE.*not set/],
  ['credentials-twice.yaml', 'remotes.x.base_url', /carries credentials and remotes\.x\.password is set too/],
  ['unknown-package.yaml', 'remotes.x.package', /"dockr", which no loaded plugin provides \(loaded: generic, [^)]*npm[^)]*\)/],
];

for (const [file, keyPath, detail] of invalid) {
  test(`check-config rejects ${file} naming ${keyPath}`, async (t) => {
    const result = await runCli(['check-config', fixture(`config/${file}`)]);
    t.not(result.code, 0);
    t.true(result.stderr.includes(keyPath), result.stderr);
    t.is(result.stderr.split(keyPath).length - 1, 1, `the key path is named once, not repeated:\n${result.stderr}`);
    t.regex(result.stderr, detail);
    t.notRegex(result.stdout, /valid \(/);
  });
}

test('check-config reports schema, regex, member and package problems in one run', async (t) => {
  const result = await runCli(['check-config', fixture('config/many-problems.yaml')]);
  t.is(result.code, 1);
  for (const keyPath of ['remotes.x.cache.mutable_ttl', 'remotes.x.patterns[0]', 'virtuals.all.members[1]', 'remotes.hub.package']) {
    t.true(result.stderr.includes(keyPath), `${keyPath} missing from:\n${result.stderr}`);
  }
});

test('check-config with no file is a usage error', async (t) => {
  const result = await runCli(['check-config']);
  t.is(result.code, 2);
  t.regex(result.stderr, /exactly one FILE/);
});

/** Holds a loopback port so a child that tried to listen on it would fail with EADDRINUSE. */
async function holdPort(t: { teardown(fn: () => unknown): void }): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const blocker = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  return { port: (blocker.address() as AddressInfo).port, connections: () => connections };
}

test('serve with an invalid config exits non-zero before listening or touching the data dir', async (t) => {
  // The port is taken: had serve got as far as listening, it would report EADDRINUSE instead.
  const held = await holdPort(t);
  const dataDir = join(await tempDir(t), 'never-created');
  const proc = spawnServe(t, { config: fixture('config/bad-type.yaml') }, dataDir, held.port);
  const exit = await proc.exited;
  t.is(exit.code, 1);
  t.true(proc.stderr().includes('remotes.x.cache.mutable_ttl'), proc.stderr());
  t.notRegex(proc.stdout() + proc.stderr(), /EADDRINUSE|could not listen|Server listening/);
  t.false(existsSync(dataDir), 'the data directory must not be created for a config that is refused');
  t.is(held.connections(), 0);
});

test('serve refuses a package type no loaded plugin provides before listening', async (t) => {
  const held = await holdPort(t);
  const dataDir = join(await tempDir(t), 'never-created');
  const proc = spawnServe(t, { config: fixture('config/unknown-package.yaml') }, dataDir, held.port);
  const exit = await proc.exited;
  t.is(exit.code, 1);
  t.regex(proc.stderr(), /remotes\.x\.package is "dockr", which no loaded plugin provides \(loaded: generic, /);
  t.notRegex(proc.stdout() + proc.stderr(), /EADDRINUSE|could not listen|Server listening/);
  t.false(existsSync(dataDir));
  t.is(held.connections(), 0);
});

test('the held-port check above can fail: a valid config on a taken port reports the listen error', async (t) => {
  const held = await holdPort(t);
  const dataDir = await tempDir(t);
  const proc = spawnServe(t, { config: fixture('config/valid.yaml') }, dataDir, held.port);
  const exit = await proc.exited;
  t.is(exit.code, 1);
  t.regex(proc.stdout() + proc.stderr(), /EADDRINUSE/);
});
