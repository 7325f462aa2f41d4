import test from 'ava';
import { canonicalImageName, isDockerHub, namespaceMatches, namespaceOf } from '../src/index.js';

test('one-component names get library/ on Docker Hub only', (t) => {
  t.is(canonicalImageName('nginx', 'https://registry-1.docker.io'), 'library/nginx');
  t.is(canonicalImageName('nginx', 'https://index.docker.io/'), 'library/nginx');
  t.is(canonicalImageName('library/nginx', 'https://registry-1.docker.io'), 'library/nginx');
  t.is(canonicalImageName('bitnami/nginx', 'https://registry-1.docker.io'), 'bitnami/nginx');
  t.is(canonicalImageName('nginx', 'https://ghcr.io'), 'nginx');
  t.is(canonicalImageName('nginx', 'http://127.0.0.1:5000'), 'nginx');
  t.is(canonicalImageName('nginx', undefined), 'nginx');
});

test('Docker Hub is recognised by host, whatever the path or case', (t) => {
  t.true(isDockerHub('https://Registry-1.Docker.io/v2/'));
  t.true(isDockerHub('https://docker.io'));
  t.false(isDockerHub('https://docker.io.example.com'));
  t.false(isDockerHub('not a url'));
});

test('?ns= is read as a host, never a reason to refuse', (t) => {
  t.is(namespaceOf('ns=docker.io'), 'docker.io');
  t.is(namespaceOf(new URLSearchParams({ ns: 'Registry.K8s.io' })), 'registry.k8s.io');
  t.is(namespaceOf('ns=127.0.0.1:5000'), '127.0.0.1:5000');
  t.is(namespaceOf(''), undefined);
  t.is(namespaceOf('ns=a/b'), undefined);
  t.true(namespaceMatches('docker.io', 'https://registry-1.docker.io'));
  t.true(namespaceMatches('ghcr.io', 'https://ghcr.io/'));
  t.false(namespaceMatches('quay.io', 'https://ghcr.io/'));
  t.false(namespaceMatches('docker.io', 'https://ghcr.io/'));
});
