import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientSetup, type SetupTarget } from '../src/client-setup.ts';

const URL_OF = (name: string) => `http://artifacts.example:8000/api/v1/remote/${name}/`;

/** Every client DESIGN §8 names gets a snippet with this server's URL (or host) and the repository's name. */
const EXPECTED: Record<string, string[]> = {
  npm: ['npm', 'pnpm', 'yarn 1', 'yarn 2+'],
  pypi: ['pip', 'uv', 'poetry'],
  docker: ['docker', 'containerd', 'k3s / RKE2', 'podman'],
  helm: ['helm'],
  rpm: ['dnf'],
  alpine: ['apk'],
  goproxy: ['go'],
  puppet: ['puppet', 'r10k'],
  terraform: ['terraform'],
  generic: ['curl'],
};

for (const [pkg, clients] of Object.entries(EXPECTED)) {
  void test(`${pkg}: ${clients.join(', ')}`, () => {
    const name = `my-${pkg}`;
    const target: SetupTarget = { name, package: pkg, kind: 'remote', url: URL_OF(name), baseUrl: 'https://registry-1.docker.io' };
    const snippets = clientSetup(target);
    for (const client of clients) assert.ok(snippets.some((s) => s.client.split(' / ').includes(client) || s.client === client), `${pkg} has ${client}`);
    for (const s of snippets) assert.ok(s.code.includes('artifacts.example:8000'), `${s.client}${s.file ? ` ${s.file}` : ''} names the host:\n${s.code}`);
    assert.ok(snippets.some((s) => s.code.includes(name)), 'the repository name appears');
  });
}

void test('pip on plain http to a host other than localhost is told to trust it', () => {
  const [pip] = clientSetup({ name: 'pypi', package: 'pypi', kind: 'remote', url: URL_OF('pypi') });
  assert.match(pip!.code, /--index-url http:\/\/artifacts\.example:8000\/api\/v1\/remote\/pypi\/simple\/ --trusted-host artifacts\.example/);
  const [local] = clientSetup({ name: 'pypi', package: 'pypi', kind: 'remote', url: 'http://localhost:8000/api/v1/remote/pypi/' });
  assert.doesNotMatch(local!.code, /trusted-host/);
});

void test('docker: a mirror of ghcr.io is set up for ghcr.io, and a local repository gets push commands', () => {
  const ghcr = clientSetup({ name: 'ghcr', package: 'docker', kind: 'remote', url: URL_OF('ghcr'), baseUrl: 'https://ghcr.io' });
  assert.ok(ghcr.some((s) => s.file === '/etc/containerd/certs.d/ghcr.io/hosts.toml' && s.code.includes('[host."http://artifacts.example:8000/v2/ghcr"]')));
  const local = clientSetup({ name: 'images', package: 'docker', kind: 'local', url: URL_OF('images') });
  assert.ok(local.some((s) => s.code.includes('docker push artifacts.example:8000/images/team/app:1.0')));
});

void test('terraform: a remote is a network mirror under mirror/, a local is a registry host with uploads', () => {
  const [mirror] = clientSetup({ name: 'terraform', package: 'terraform', kind: 'remote', url: 'https://artifacts.example/api/v1/remote/terraform/' });
  assert.match(mirror!.code, /url = "https:\/\/artifacts\.example\/api\/v1\/remote\/terraform\/mirror\/"/);
  assert.doesNotMatch(mirror!.code, /https only/);
  const local = clientSetup({ name: 'terraform-local', package: 'terraform', kind: 'local', url: URL_OF('terraform-local') });
  assert.ok(local.some((s) => s.code.includes('source = "artifacts.example:8000/acme/widget"')));
});
