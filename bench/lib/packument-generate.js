// Generates a full npm packument ("application/json", as the registry sends it with `time`) of
// about a given size, deterministically from the package name, so every run rewrites the same
// document. Versions look like the registry's: dependencies, scripts, maintainers, and a `dist`
// with tarball, integrity, shasum and a signature, so the abbreviated form keeps a realistic
// share of the bytes (here ~43 %).
import { createHash } from 'node:crypto';

const DAY = 86_400_000;
const EPOCH = Date.parse('2015-01-01T00:00:00.000Z');

function digest(algorithm, text, encoding) {
  return createHash(algorithm).update(text).digest(encoding);
}

/** A small seeded PRNG (mulberry32): the same name always gives the same document. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(rand, list, count) {
  const out = {};
  for (let i = 0; i < count; i++) {
    const dep = list[Math.floor(rand() * list.length)];
    out[dep] = `^${1 + Math.floor(rand() * 9)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 30)}`;
  }
  return out;
}

const RUNTIME_DEPS = ['debug', 'ms', 'semver', 'chalk', 'lodash', 'tslib', 'commander', 'glob', 'minimatch', 'yargs', 'uuid', 'rimraf', 'mkdirp', 'picomatch', 'fast-glob', '@babel/runtime', '@types/node', 'undici', 'ws', 'ajv'];
const DEV_DEPS = ['typescript', 'eslint', 'prettier', 'mocha', 'jest', 'ava', 'c8', 'nyc', 'sinon', 'chai', '@types/jest', 'rollup', 'esbuild', 'vitest', 'ts-node', 'husky', 'lint-staged', 'tap'];
const PEOPLE = [
  { name: 'alice', email: 'alice@example.com' },
  { name: 'bob', email: 'bob@example.com' },
  { name: 'carol', email: 'carol@example.com' },
];

function versionOf(i) {
  return `${Math.floor(i / 400)}.${Math.floor(i / 20) % 20}.${i % 20}`;
}

function manifest(name, version, i, rand, tarballBase) {
  const file = `${name.slice(name.indexOf('/') + 1)}-${version}.tgz`;
  const seed = `${name}@${version}`;
  return {
    name,
    version,
    description: `Benchmark package ${name}, release ${version}: a generated manifest shaped like the public registry's.`,
    main: 'lib/index.js',
    types: 'lib/index.d.ts',
    scripts: { build: 'tsc -p tsconfig.build.json', test: 'ava --timeout=2m', lint: 'eslint . --ext .ts', prepublishOnly: 'npm run build' },
    repository: { type: 'git', url: `git+https://github.com/bench/${name}.git` },
    keywords: ['bench', 'packument', 'npm', 'registry', 'proxy'],
    author: PEOPLE[i % PEOPLE.length],
    license: 'MIT',
    bugs: { url: `https://github.com/bench/${name}/issues` },
    homepage: `https://github.com/bench/${name}#readme`,
    dependencies: pick(rand, RUNTIME_DEPS, 3 + Math.floor(rand() * 6)),
    devDependencies: pick(rand, DEV_DEPS, 6 + Math.floor(rand() * 8)),
    engines: { node: '>=18' },
    gitHead: digest('sha1', `git ${seed}`, 'hex'),
    _id: seed,
    _nodeVersion: '20.11.1',
    _npmVersion: '10.2.4',
    dist: {
      integrity: `sha512-${digest('sha512', seed, 'base64')}`,
      shasum: digest('sha1', seed, 'hex'),
      tarball: `${tarballBase}/${name}/-/${file}`,
      fileCount: 10 + Math.floor(rand() * 200),
      unpackedSize: 10_000 + Math.floor(rand() * 2_000_000),
      signatures: [{ keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA', sig: `MEUCIQ${digest('sha256', `sig ${seed}`, 'base64')}` }],
    },
    _npmUser: PEOPLE[(i + 1) % PEOPLE.length],
    directories: {},
    maintainers: PEOPLE,
    _npmOperationalInternal: { host: 's3://npm-registry-packages', tmp: `tmp/${name}_${version}_${EPOCH + i * DAY}` },
    _hasShrinkwrap: false,
  };
}

/**
 * A full packument for `name` of about `targetBytes` bytes of JSON (whole versions are added
 * until an estimate of the size reaches it), tarball URLs on `tarballBase`. Returns a Buffer.
 */
export function generatePackument({ name, targetBytes, tarballBase }) {
  const rand = random(Number.parseInt(digest('sha256', name, 'hex').slice(0, 8), 16));
  const doc = {
    _id: name,
    _rev: `1-${digest('md5', name, 'hex')}`,
    name,
    'dist-tags': {},
    versions: {},
    time: { created: new Date(EPOCH).toISOString(), modified: '' },
    maintainers: PEOPLE,
    description: `Benchmark package ${name}`,
    homepage: `https://github.com/bench/${name}#readme`,
    keywords: ['bench', 'packument'],
    repository: { type: 'git', url: `git+https://github.com/bench/${name}.git` },
    bugs: { url: `https://github.com/bench/${name}/issues` },
    license: 'MIT',
    readme: `# ${name}\n\n${'A generated readme line, as long as a real one tends to be.\n'.repeat(120)}`,
    readmeFilename: 'README.md',
  };
  let bytes = JSON.stringify(doc).length;
  let i = 0;
  while (bytes < targetBytes) {
    const version = versionOf(i);
    const m = manifest(name, version, i, rand, tarballBase);
    const published = new Date(EPOCH + i * 3_600_000).toISOString();
    doc.versions[version] = m;
    doc.time[version] = published;
    doc.time.modified = published;
    doc['dist-tags'].latest = version;
    // Each version adds its manifest, its time stamp, and the quotes, colons and commas around them.
    bytes += JSON.stringify(m).length + version.length * 2 + published.length + 12;
    i++;
  }
  return Buffer.from(JSON.stringify(doc));
}
