import test from 'ava';
import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, artifactTypeFilter, parseManifest, referrerDescriptor, referrersResponse } from '../src/index.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const subject = { mediaType: OCI_MANIFEST, digest: d('0'), size: 100 };
const referrer = (config: string, artifactType?: string) =>
  parseManifest(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, ...(artifactType ? { artifactType } : {}), config: { mediaType: config, digest: d('e'), size: 2 }, layers: [], subject, annotations: { a: 'b' } }));

test("a referrer's artifactType is its own field, else its config's type unless that is the empty config", (t) => {
  t.is(referrerDescriptor(referrer(OCI_EMPTY, 'application/vnd.example.sig'), d('1'), 300).artifactType, 'application/vnd.example.sig');
  t.is(referrerDescriptor(referrer('application/vnd.example.sbom.config'), d('2'), 300).artifactType, 'application/vnd.example.sbom.config');
  t.is(referrerDescriptor(referrer(OCI_EMPTY), d('3'), 300).artifactType, undefined);
  t.deepEqual(referrerDescriptor(referrer(OCI_EMPTY, 'x/y'), d('4'), 321), { mediaType: OCI_MANIFEST, digest: d('4'), size: 321, artifactType: 'x/y', annotations: { a: 'b' } });
});

test('the response is an OCI index in digest order; a filter is applied and announced', (t) => {
  const sig = referrerDescriptor(referrer(OCI_EMPTY, 'application/vnd.example.sig'), d('9'), 1);
  const sbom = referrerDescriptor(referrer(OCI_EMPTY, 'application/vnd.example.sbom'), d('1'), 2);
  const all = referrersResponse([sig, sbom]);
  t.deepEqual(all.body, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [sbom, sig] });
  t.deepEqual(all.headers, { 'content-type': OCI_INDEX });
  const filtered = referrersResponse([sig, sbom], artifactTypeFilter('artifactType=application%2Fvnd.example.sig'));
  t.deepEqual(filtered.body.manifests, [sig]);
  t.is(filtered.headers['oci-filters-applied'], 'artifactType');
  t.deepEqual(referrersResponse([], 'x/y').body.manifests, []);
  t.is(artifactTypeFilter('artifactType='), undefined);
});
