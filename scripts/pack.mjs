#!/usr/bin/env node
// Packs the publishable packages into tarballs installable outside this repository:
//   npm run pack                       -> dist-packages/*.tgz
//   node scripts/pack.mjs --out DIR [--no-build] [--json]
// Nothing is published to a registry yet, so a plugin project or an operator installs these files
// (`npm install ./artifactapi-plugin-sdk-0.1.0.tgz`); see README.md, "Plugins".
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The SDK first: everything else depends on it.
const PACKAGES = ['plugin-sdk', 'core', 'plugins/npm', 'plugins/pypi', 'plugins/helm', 'plugins/alpine', 'plugins/puppet', 'plugins/goproxy'];

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'dist-packages' },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const out = resolve(values.out);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!values['no-build']) execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: ROOT, stdio: 'inherit' });
await mkdir(out, { recursive: true });

const packed = [];
for (const dir of PACKAGES) {
  const source = join(ROOT, dir);
  const from = dir === 'core' ? await stageCore(source) : source;
  try {
    packed.push(pack(from));
  } finally {
    if (from !== source) await rm(from, { recursive: true, force: true });
  }
}
if (values.json) process.stdout.write(`${JSON.stringify(packed, null, 2)}\n`);
else for (const p of packed) process.stdout.write(`${p.file}\n`);

/** Runs `npm pack` in `dir`; the build already happened, so no lifecycle script runs. */
function pack(dir) {
  const output = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [info] = JSON.parse(output);
  return { name: info.name, version: info.version, file: join(out, info.filename) };
}

/**
 * The core reads config/schema.json and config/default.yaml, which live at the repository root
 * (deploy/ and docs/ use them too). A copy of the package gets them in its own config/, where
 * core/src/config/files.ts looks first; the `./testing/*` export is left out with the test helpers.
 */
async function stageCore(source) {
  const stage = await mkdtemp(join(tmpdir(), 'aapi-pack-core-'));
  for (const part of ['bin', 'dist/src']) await cp(join(source, part), join(stage, part), { recursive: true });
  await mkdir(join(stage, 'config'));
  for (const file of ['schema.json', 'default.yaml']) await cp(join(ROOT, 'config', file), join(stage, 'config', file));
  const manifest = JSON.parse(await readFile(join(source, 'package.json'), 'utf8'));
  delete manifest.exports['./testing/*'];
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.ava;
  manifest.files = [...manifest.files, 'config'];
  await writeFile(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return stage;
}
