import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './helpers/temp-dir.js';
import type { Teardown } from './helpers/teardown.js';

/** The go command the tests run (Debian's golang-go; GO_BIN overrides). */
export const GO_BIN = process.env.GO_BIN ?? 'go';

const run = promisify(execFile);

/** What `go mod download -json` prints for one module. */
export interface Downloaded {
  Path: string;
  Version: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Dir?: string;
  Sum?: string;
  GoModSum?: string;
  Error?: string;
}

/** Rejects when there is no working go command. */
export async function goRuns(): Promise<void> {
  await run(GO_BIN, ['version'], { timeout: 20_000 });
}

/**
 * Runs `go mod download -json ARGS` in a fresh GOPATH / module cache / build cache, so nothing
 * comes from an earlier run, with the given GOPROXY and checksum database settings. Resolves with
 * every module go printed; rejects with go's output when it fails.
 */
export async function goModDownload(t: Teardown, env: { GOPROXY: string; GOSUMDB: string; GONOSUMDB?: string; SSL_CERT_FILE?: string }, args: readonly string[]): Promise<Downloaded[]> {
  const home = await tempDir(t, 'aapi-go-');
  await mkdir(join(home, 'work'));
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GOPATH: join(home, 'gopath'),
    GOMODCACHE: join(home, 'modcache'),
    GOCACHE: join(home, 'cache'),
    GOFLAGS: '-modcacherw',
    GO111MODULE: 'on',
    GOPRIVATE: '',
    GONOPROXY: '',
    GONOSUMDB: env.GONOSUMDB ?? '',
    GOPROXY: env.GOPROXY,
    GOSUMDB: env.GOSUMDB,
    // A test's own CA for an HTTPS GOPROXY (go sends credentials over HTTPS only).
    ...(env.SSL_CERT_FILE !== undefined ? { SSL_CERT_FILE: env.SSL_CERT_FILE } : {}),
  };
  try {
    const { stdout } = await run(GO_BIN, ['mod', 'download', '-json', ...args], { cwd: join(home, 'work'), env: childEnv, timeout: 120_000 });
    return parseJsonStream(stdout);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const error = new Error(`go mod download ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}\n${e.stdout ?? ''}`);
    (error as Error & { stdout?: string }).stdout = e.stdout;
    throw error;
  }
}

/** go prints one indented JSON object per module, back to back. */
function parseJsonStream(text: string): Downloaded[] {
  const out: Downloaded[] = [];
  for (const chunk of text.split(/\n(?=\{)/)) if (chunk.trim() !== '') out.push(JSON.parse(chunk) as Downloaded);
  return out;
}
