import test from 'ava';
import { startProxy } from './helpers/proxy.js';

// GET /config shows the configuration in the config file's own words, so an operator can compare
// it with the file: backends by `type:`, and a repository's `options` holding only its plugin's keys.

test('/config names backends with type, never the internal kind', async (t) => {
  const proxy = await startProxy(t, 'remotes:\n  files: { type: local, package: generic }\n');
  const shown = (await (await fetch(`${proxy.url}/config`)).json()) as Record<string, Record<string, unknown>>;
  t.like(shown, { storage: { type: 'fs' }, metadata: { type: 'sqlite' }, coordination: { type: 'memory' } });
  t.false(JSON.stringify(shown).includes('"kind"'));
});

test("/config: a repository's options hold its plugin's keys, not the core's", async (t) => {
  const proxy = await startProxy(
    t,
    `remotes:
  py:
    package: pypi
    base_url: http://127.0.0.1:9/
    files_url: http://127.0.0.1:9/files
    patterns: ['^simple/']
    cache: { mutable_ttl: 5 }
    username: reader
    password: hidden
`,
  );
  const shown = (await (await fetch(`${proxy.url}/config`)).json()) as { remotes: Record<string, Record<string, unknown>> };
  const py = shown.remotes['py']!;
  // pypi (apiVersion 2) declares files_url in its options schema; an undeclared key would not load
  t.deepEqual(py['options'], { files_url: 'http://127.0.0.1:9/files' });
  // the core keys are still shown, once, at the repository's top level
  t.like(py, { base_url: 'http://127.0.0.1:9', patterns: ['^simple/'], username: 'reader', password: '***' });
});
