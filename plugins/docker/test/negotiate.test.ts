import test from 'ava';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, UPSTREAM_MANIFEST_ACCEPT, acceptsManifest, negotiateManifest } from '../src/index.js';
import type { RegistryError } from '../src/index.js';

// What the clients send (containerd 1.7 resolver, docker 24, skopeo 1.9 without an OCI list in Accept).
const CONTAINERD = `${DOCKER_MANIFEST}, ${DOCKER_LIST}, ${OCI_MANIFEST}, ${OCI_INDEX}, */*`;
const DOCKER_ONLY = `${DOCKER_MANIFEST}, ${DOCKER_LIST}`;

test('no Accept, a wildcard, or the exact type (any case, with parameters) takes the stored type', (t) => {
  t.true(acceptsManifest(undefined, OCI_INDEX));
  t.true(acceptsManifest('', OCI_INDEX));
  t.true(acceptsManifest(CONTAINERD, OCI_INDEX));
  t.true(acceptsManifest('application/*', OCI_MANIFEST));
  t.true(acceptsManifest(`${OCI_INDEX.toUpperCase()}; q=0.5`, OCI_INDEX));
  t.true(acceptsManifest([DOCKER_MANIFEST, OCI_INDEX], OCI_INDEX));
  t.true(acceptsManifest(DOCKER_ONLY, `${DOCKER_LIST}; charset=utf-8`));
});

test('a client that lists other types only, or rules the type out with q=0, is refused', (t) => {
  t.false(acceptsManifest(DOCKER_ONLY, OCI_INDEX));
  t.false(acceptsManifest('application/json', OCI_MANIFEST));
  t.false(acceptsManifest(`${OCI_INDEX};q=0, */*`, OCI_INDEX));
  t.false(acceptsManifest('*/*;q=0', DOCKER_MANIFEST));
});

test('a refusal is MANIFEST_UNKNOWN 404 naming the stored type; a yes returns the stored type unchanged', (t) => {
  t.is(negotiateManifest(CONTAINERD, DOCKER_LIST), DOCKER_LIST);
  const err = t.throws(() => negotiateManifest(DOCKER_ONLY, OCI_INDEX)) as RegistryError;
  t.is(err.code, 'MANIFEST_UNKNOWN');
  t.is(err.status, 404);
  t.deepEqual(err.detail, { mediaType: OCI_INDEX });
});

test('upstream requests ask for every current manifest type, whatever the client sent', (t) => {
  for (const type of [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST]) t.true(acceptsManifest(UPSTREAM_MANIFEST_ACCEPT, type), type);
  t.false(UPSTREAM_MANIFEST_ACCEPT.includes('*'));
});
