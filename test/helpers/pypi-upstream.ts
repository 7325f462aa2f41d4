import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startUpstream, type UpstreamServer } from '@artifactapi/plugin-sdk/testkit';
import { fixture } from './paths.js';
import { startServe, type ServeProcess } from './serve-process.js';
import type { Teardown } from './teardown.js';
import { tempDir, writeConfig } from './temp-dir.js';

const run = promisify(execFile);

/** A distribution file as the fake upstream lists it. */
export interface Dist {
  filename: string;
  bytes: Buffer;
  sha256: string;
  /** Path on the files host, PyPI-style: `/packages/aa/bb/<rest of a hash>/<filename>`. */
  path: string;
}

/** The fixture distributions, built by test/fixtures/pypi/make-dists.py into a temp dir. */
export async function buildDists(t: Teardown): Promise<Map<string, Dist>> {
  const out = await tempDir(t, 'aapi-pypi-dists-');
  await run('python3', [fixture('pypi/make-dists.py'), out]);
  const dists = new Map<string, Dist>();
  for (const filename of await readdir(out)) {
    const bytes = await readFile(join(out, filename));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // files.pythonhosted.org's layout (a hash split 2/2/60); a .metadata file sits beside its distribution.
    const owner = filename.replace(/\.metadata$/, '');
    const h = createHash('sha256').update(owner).digest('hex');
    dists.set(filename, { filename, bytes, sha256, path: `/packages/${h.slice(0, 2)}/${h.slice(2, 4)}/${h.slice(4)}/${filename}` });
  }
  return dists;
}

/** The index host (PEP 691 JSON for tinywheel and badhash, PEP 503 HTML only for tinysdist) and the files host. */
export interface PypiUpstream {
  index: UpstreamServer;
  files: UpstreamServer;
  dists: Map<string, Dist>;
  close(): Promise<void>;
}

function dist(dists: Map<string, Dist>, filename: string): Dist {
  const found = dists.get(filename);
  if (!found) throw new Error(`make-dists.py built no ${filename}`);
  return found;
}

/**
 * Starts a PyPI-like upstream on two ports. tinywheel 1.0.0 was uploaded in 2020 and 1.1.0 an
 * hour ago (for quarantine); badhash's page lists a sha256 its file does not have.
 */
export async function startPypiUpstream(t: Teardown, dists: Map<string, Dist>): Promise<PypiUpstream> {
  const files = await startUpstream();
  const index = await startUpstream();
  const upstream: PypiUpstream = {
    index,
    files,
    dists,
    async close() {
      await Promise.all([index.close(), files.close()]);
    },
  };
  t.teardown(() => upstream.close());
  for (const d of dists.values()) files.setFile(d.path, { body: d.bytes, contentType: 'application/octet-stream' });

  const uploaded = { '1.0.0': '2020-01-01T00:00:00.000000Z', '1.1.0': new Date(Date.now() - 3_600_000).toISOString() };
  const wheelFiles = (['1.0.0', '1.1.0'] as const).map((version) => {
    const whl = dist(dists, `tinywheel-${version}-py3-none-any.whl`);
    const metadata = dist(dists, `${whl.filename}.metadata`);
    return {
      filename: whl.filename,
      url: `${files.url}${whl.path}`,
      hashes: { sha256: whl.sha256 },
      'requires-python': '>=3.7',
      'core-metadata': { sha256: metadata.sha256 },
      size: whl.bytes.byteLength,
      'upload-time': uploaded[version],
      yanked: false,
    };
  });
  index.setFile('/simple/tinywheel/', {
    contentType: 'application/vnd.pypi.simple.v1+json',
    body: JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'tinywheel', versions: ['1.0.0', '1.1.0'], files: wheelFiles }),
  });

  const sdist = dist(dists, 'tinysdist-0.1.0.tar.gz');
  index.setFile('/simple/tinysdist/', {
    contentType: 'text/html',
    body: `<!DOCTYPE html><html><body><h1>Links for tinysdist</h1>
<a href="${files.url}${sdist.path}#sha256=${sdist.sha256}" data-requires-python="&gt;=3.7">${sdist.filename}</a><br/>
</body></html>`,
  });

  // The bytes of tinywheel 1.0.0 under another name, listed with a hash they do not have.
  const bad = dist(dists, 'tinywheel-1.0.0-py3-none-any.whl');
  const badPath = bad.path.replace(bad.filename, 'badhash-1.0-py3-none-any.whl');
  files.setFile(badPath, { body: bad.bytes });
  index.setFile('/simple/badhash/', {
    contentType: 'application/vnd.pypi.simple.v1+json',
    body: JSON.stringify({
      meta: { 'api-version': '1.0' },
      name: 'badhash',
      files: [{ filename: 'badhash-1.0-py3-none-any.whl', url: `${files.url}${badPath}`, hashes: { sha256: '0'.repeat(64) } }],
    }),
  });
  return upstream;
}

/** A fresh virtual environment; pip runs in it with no user config and no cache. */
export async function makeVenv(t: Teardown): Promise<string> {
  const dir = await tempDir(t, 'aapi-venv-');
  await run('python3', ['-m', 'venv', dir]);
  return dir;
}

/** Runs the venv's pip; resolves with its output, rejects with it when pip fails. */
export async function pip(venv: string, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  for (const name of ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_FIND_LINKS', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[name];
  try {
    const { stdout, stderr } = await run(join(venv, 'bin', 'pip'), args, { env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`pip ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** The version string a module of the venv reports (`VERSION` in the fixture packages). */
export async function installedVersion(venv: string, module: string): Promise<string> {
  const { stdout } = await run(join(venv, 'bin', 'python'), ['-c', `import ${module}; print(${module}.VERSION)`]);
  return stdout.trim();
}

/** `artifactapi serve` with one pypi remote `pypi` in front of the upstream; `extra` adds YAML keys to it. */
export async function startPypiProxy(t: Teardown, upstream: PypiUpstream, extra: Record<string, string> = {}): Promise<{ proxy: ServeProcess; base: string }> {
  const keys = Object.entries(extra).map(([key, value]) => `    ${key}: ${value}\n`).join('');
  const config = await writeConfig(
    await tempDir(t),
    `log: { level: warn }
remotes:
  pypi:
    type: remote
    package: pypi
    base_url: ${upstream.index.url}
    files_url: ${upstream.files.url}
${keys}`,
  );
  const proxy = await startServe(t, { config });
  return { proxy, base: `${proxy.url}/api/v1/remote/pypi` };
}
