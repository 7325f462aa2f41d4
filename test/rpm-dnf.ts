import { execFile, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';

const run = promisify(execFile);

/** The programs the rpm tests run: rpmbuild (Debian `rpm`), createrepo_c (`createrepo-c`) and dnf. */
const TOOLS = ['rpmbuild', 'createrepo_c', 'dnf'] as const;

/**
 * Whether the rpm tools are installed. When one is missing the file's tests are skipped with a
 * visible message on a laptop, but with ARTIFACTAPI_REQUIRE_SERVICES=1 (CI) a test fails naming it.
 */
export function rpmToolsAvailable(): boolean {
  const missing: string[] = [];
  for (const tool of TOOLS) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      missing.push(tool);
    }
  }
  if (missing.length === 0) return true;
  if (process.env.ARTIFACTAPI_REQUIRE_SERVICES === '1') {
    test(`rpm tools are installed (ARTIFACTAPI_REQUIRE_SERVICES=1)`, (t) => {
      t.fail(`missing: ${missing.join(', ')} (apt-get install rpm createrepo-c dnf)`);
    });
  } else {
    console.warn(`[rpm] ${missing.join(', ')} not installed: skipping the rpm tests; set ARTIFACTAPI_REQUIRE_SERVICES=1 to fail instead`);
  }
  return false;
}

/** A dnf set-up isolated from the machine's: its own dnf.conf, repo file, cache and install root. */
export interface DnfRoot {
  dir: string;
  installroot: string;
}

/** Writes a dnf.conf and a `.repo` file whose baseurl is `baseurl` (the README's client set-up); `repoLines` are added to the repository's section. */
export async function dnfRoot(dir: string, baseurl: string, repoLines = ''): Promise<DnfRoot> {
  await mkdir(join(dir, 'repos.d'), { recursive: true });
  await mkdir(join(dir, 'root'), { recursive: true });
  await writeFile(join(dir, 'dnf.conf'), '[main]\ngpgcheck=0\ninstall_weak_deps=False\nkeepcache=False\n');
  await writeFile(join(dir, 'repos.d', 'proxy.repo'), `[proxy]\nname=proxy\nbaseurl=${baseurl}\nenabled=1\ngpgcheck=0\n${repoLines}`);
  return { dir, installroot: join(dir, 'root') };
}

/** `dnf install` into the root through the proxy repository only; resolves with dnf's output, rejects with it. */
export async function dnfInstall(root: DnfRoot, packages: readonly string[]): Promise<string> {
  const args = [
    '--config', join(root.dir, 'dnf.conf'),
    '--installroot', root.installroot,
    '--releasever', '9',
    '--noplugins',
    `--setopt=reposdir=${join(root.dir, 'repos.d')}`,
    `--setopt=cachedir=${join(root.dir, 'cache')}`,
    '--disablerepo=*',
    '--enablerepo=proxy',
    '--nogpgcheck',
    '-y',
    'install',
    ...packages,
  ];
  try {
    const { stdout, stderr } = await run('dnf', args, { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`dnf ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
