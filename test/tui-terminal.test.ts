import { serviceGate } from '@artifactapi/core/testing/services';
import { startUpstream } from '@artifactapi/plugin-sdk/testkit';
import test, { type ExecutionContext } from 'ava';
import { CLI } from './helpers/paths.js';
import { runCli } from './helpers/run-cli.js';
import { startServe, type ServeProcess } from './helpers/serve-process.js';
import { tempDir, writeConfig } from './helpers/temp-dir.js';
import { probeTmux, Terminal } from './tui-tmux.js';

// `artifactapi tui` driven in a real pseudo-terminal (tmux), against the real product serving a
// loopback upstream; every assertion is on the text a person would read on the screen.

const TOKEN = 'tui-admin-token-5e1f';
const ARTIFACT = 'tools/tool-1.0.bin';
const BODY = 'tool bytes '.repeat(300);

const tmux = await serviceGate('tmux', probeTmux);

async function startProduct(t: ExecutionContext): Promise<ServeProcess> {
  const upstream = await startUpstream({ files: { [`/${ARTIFACT}`]: { body: BODY, contentType: 'application/octet-stream' } } });
  t.teardown(() => upstream.close());
  const config = await writeConfig(
    await tempDir(t),
    `
auth: { admin_token: \${ADMIN_TOKEN} }
remotes:
  files:
    type: local
    package: generic
  priv:
    type: remote
    package: generic
    base_url: ${upstream.url}
`,
  );
  return startServe(t, { config, env: { ADMIN_TOKEN: TOKEN } });
}

async function get(proc: ServeProcess, path: string): Promise<string | null> {
  const res = await fetch(`${proc.url}/api/v1/remote/priv/${path}`);
  const body = await res.text();
  if (res.status !== 200 || body !== BODY) throw new Error(`GET ${path}: ${res.status}`);
  return res.headers.get('x-artifact-cache');
}

/** The table line that starts with `first` (the selected row has the same text). */
function row(screen: string, first: string): string {
  return screen.split('\n').find((line) => line.trimStart().startsWith(`${first} `)) ?? '';
}

/** Index of the events-view line `HH:MM:SS  TYPE  priv  ARTIFACT…`; -1 when absent. */
function eventLine(screen: string, type: string): number {
  return screen.split('\n').findIndex((l) => new RegExp(`^\\s*\\d\\d:\\d\\d:\\d\\d\\s+${type}\\s+priv\\s+`).test(l) && l.includes(ARTIFACT));
}

tmux.test('dashboard, repositories, browse and evict, live events: all on screen, all from the real server', async (t) => {
  const proc = await startProduct(t);
  t.is(await get(proc, ARTIFACT), 'MISS');
  t.is(await get(proc, ARTIFACT), 'HIT');

  const term = await Terminal.start(t, [process.execPath, CLI, 'tui', '--endpoint', proc.url], { env: { ARTIFACTAPI_TOKEN: TOKEN } });

  // Dashboard: one hit, one miss, and the remote's line with its counters.
  // Statistics, health and the repository list load side by side; the last column fills in with both.
  let screen = await term.waitFor((s) => s.includes('1 hit · 1 miss') && /closed\s*$/.test(row(s, 'priv')) && /hosted\s*$/.test(row(s, 'files')));
  t.regex(screen, /Hit ratio\s+50\.0%/);
  t.regex(screen, /Bytes served\s+6\.4 KiB/, "two downloads of 3.2 KiB");
  t.regex(row(screen, 'priv'), /^\s*priv\s+1\s+3\.2 KiB\s+1\s+1\s+50\.0%\s+6\.4 KiB\s+0\s+closed\s*$/, screen);
  t.regex(row(screen, 'files'), /^\s*files\s+0\s+0 B\s+0\s+0\s+–\s+0 B\s+0\s+hosted\s*$/, 'a local repository has no upstream');
  t.regex(screen, /Open breakers\s+0\s+of 1 upstream\s{2}/);
  t.regex(screen, /1-3\/Tab views .* q quit · \? help/, 'the help line');

  // Events: connected before anything else happens, so what follows must show up.
  await term.press('3');
  await term.waitFor('● live');

  // Repositories: both listed; the second (priv) opened with Down, Enter.
  await term.press('2');
  screen = await term.waitFor('2 repositories');
  t.regex(row(screen, 'files'), /local\s+generic\s+config/);
  t.regex(row(screen, 'priv'), /remote\s+generic\s+config\s+1\s+3\.2 KiB\s+http:\/\/127\.0\.0\.1:\d+/, screen);
  await term.press('Down', 'Enter');
  screen = await term.waitFor((s) => s.includes('priv › cached objects') && row(s, ARTIFACT) !== '');
  t.regex(row(screen, ARTIFACT), /3\.2 KiB\s+1\s+\d+ s ago/, screen);

  // Evict, after a y/N question; the page then says nothing is cached.
  await term.press('d');
  await term.waitFor(`Evict ${ARTIFACT} from priv? The next request fetches it from upstream again. [y/N]`);
  await term.press('y');
  screen = await term.waitFor('Nothing from priv is cached yet.');
  t.true(screen.includes(`Evicted ${ARTIFACT} from priv`), screen);
  t.is(await get(proc, ARTIFACT), 'MISS', 'the evicted object is fetched from upstream again');

  // Events: the eviction and the fetch that followed, in order.
  await term.press('3');
  screen = await term.waitFor((s) => eventLine(s, 'fetch') >= 0);
  const lines = screen.split('\n');
  const evict = eventLine(screen, 'evict');
  const fetched = eventLine(screen, 'fetch');
  t.true(evict > 0, screen);
  t.true(fetched > evict, screen);
  t.regex(lines[fetched]!, /200\s+3\.2 KiB/);

  // Back on the dashboard the second miss is counted.
  await term.press('1');
  await term.waitFor('1 hit · 2 misses');

  await term.press('q');
  t.is(await term.waitForExit(), 0);
});

tmux.test('a wrong token, a missing token and a wrong endpoint each end with one clear line and no stack', async (t) => {
  const proc = await startProduct(t);
  const closed = `http://127.0.0.1:${proc.port}`;
  const cases: { args: string[]; env?: Record<string, string>; says: RegExp }[] = [
    { args: ['--endpoint', proc.url, '--token', 'not-the-token'], says: /refused the token \(403 AAPI_ERR_AUTH_FORBIDDEN.*\)\. Check --token or ARTIFACTAPI_TOKEN/ },
    { args: ['--endpoint', proc.url], says: /wants the admin token \(401 AAPI_ERR_AUTH_REQUIRED.*\)\. Pass --token TOKEN or set ARTIFACTAPI_TOKEN\./ },
    { args: ['--endpoint', `${proc.url}/`], env: { ARTIFACTAPI_TOKEN: 'wrong-from-env' }, says: /refused the token \(403/ },
  ];
  const terms = await Promise.all(cases.map((c) => Terminal.start(t, [process.execPath, CLI, 'tui', ...c.args], { env: c.env ?? {} })));
  for (const [i, term] of terms.entries()) {
    t.is(await term.waitForExit(), 1, cases[i]!.args.join(' '));
    const screen = await term.screen();
    t.regex(screen, new RegExp(`^artifactapi tui: the server at ${proc.url.replace(/[.]/g, '\\.')}/? ${cases[i]!.says.source}`, 'm'));
    t.notRegex(screen, /^\s+at /m, 'no stack trace');
  }

  // The same port with nothing listening: connection refused.
  await proc.stop();
  const term = await Terminal.start(t, [process.execPath, CLI, 'tui', '--endpoint', closed, '--token', TOKEN]);
  t.is(await term.waitForExit(), 1);
  const screen = await term.screen();
  t.regex(screen, new RegExp(`^artifactapi tui: cannot connect to ${closed.replace(/[.]/g, '\\.')}: connection refused\\. Is \`artifactapi serve\` running there\\? Check --endpoint\\.`, 'm'));
  t.notRegex(screen, /^\s+at /m);
});

test('usage problems are told before any connection: no endpoint, a bad URL, no terminal', async (t) => {
  const cases: { args: string[]; says: string; code: number }[] = [
    { args: ['tui'], says: 'artifactapi tui: --endpoint URL is required, e.g. --endpoint http://127.0.0.1:8000', code: 2 },
    { args: ['tui', '--endpoint', 'localhost:8000'], says: 'artifactapi tui: --endpoint must be an http:// or https:// URL, got "localhost:8000"', code: 2 },
    { args: ['tui', '--endpoint', 'not a url'], says: 'artifactapi tui: --endpoint must be a URL such as http://127.0.0.1:8000, got "not a url"', code: 2 },
    // runCli gives no terminal: pipes on every side.
    { args: ['tui', '--endpoint', 'http://127.0.0.1:9'], says: 'artifactapi tui: tui needs an interactive terminal (stdin and stdout must be a TTY)', code: 2 },
    { args: ['tui', '--endpoint', 'http://127.0.0.1:9', '--colour'], says: 'artifactapi: Unknown option \'--colour\'', code: 2 },
  ];
  for (const c of cases) {
    const result = await runCli(c.args);
    t.is(result.code, c.code, c.args.join(' '));
    t.true(result.stderr.startsWith(c.says), result.stderr);
  }
});
