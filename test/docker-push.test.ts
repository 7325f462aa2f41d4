import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startPluginHost } from '@artifactapi/core/testing/plugin-host';
import { serviceGate } from '@artifactapi/core/testing/services';
import { buildOciImage, OCI_INDEX, OCI_MANIFEST } from './helpers/oci-image.js';
import { SKOPEO_BIN, commandRuns, inspectRaw, pushImage, skopeo } from './helpers/skopeo.js';
import { tempDir } from './helpers/temp-dir.js';

// A local docker repository is a registry: blob uploads (monolithic, chunked, streamed, mounted),
// manifests by tag and digest, tags/list, _catalog, DELETE and referrers, pushes with the admin token.

const clients = await serviceGate('skopeo (apt: skopeo)', async () => commandRuns(SKOPEO_BIN));

const DOCKER = new URL('../../plugins/docker/', import.meta.url);
const sha256 = (bytes: string | Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function registry(t: ExecutionContext) {
  const host = await startPluginHost({
    plugin: DOCKER,
    repos: { images: { type: 'local' }, other: { type: 'local' } },
    virtuals: { all: { members: ['images', 'other'] } },
  });
  t.teardown(() => host.close());
  const auth = { authorization: `Bearer ${host.adminToken}` };
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${host.url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
  return { host, auth, call };
}

async function code(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { errors: Array<{ code: string }> }).errors[0]?.code;
}

async function pushBlob(call: (path: string, init?: RequestInit) => Promise<Response>, image: string, bytes: string, repo = 'images'): Promise<string> {
  const digest = sha256(bytes);
  const res = await call(`/v2/${repo}/${image}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
  if (res.status !== 201) throw new Error(`monolithic upload: ${res.status} ${await res.text()}`);
  return digest;
}

function imageManifest(config: string, layers: string[], extra: Record<string, unknown> = {}): string {
  const d = (mediaType: string, data: string) => ({ mediaType, digest: sha256(data), size: Buffer.byteLength(data) });
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: d('application/vnd.oci.image.config.v1+json', config),
    layers: layers.map((l) => d('application/vnd.oci.image.layer.v1.tar', l)),
    ...extra,
  });
}

test('pushes need the admin token: 401 with a challenge, Bearer or Basic with any user name', async (t) => {
  const { host } = await registry(t);
  const ping = await fetch(`${host.url}/v2/`);
  t.is(ping.status, 401);
  const challenge = ping.headers.get('www-authenticate') ?? '';
  t.regex(challenge, /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/v2\/token",service="artifactapi"/);
  const anonymous = (await (await fetch(`${host.url}/v2/token?service=artifactapi`)).json()) as { token: string };
  t.is((await fetch(`${host.url}/v2/`, { headers: { authorization: `Bearer ${anonymous.token}` } })).status, 200);
  const denied = await fetch(`${host.url}/v2/images/app/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${anonymous.token}` } });
  t.is(denied.status, 401);
  t.regex(denied.headers.get('www-authenticate') ?? '', /scope="repository:images\/app:pull,push"/);
  t.is(await code(denied), 'UNAUTHORIZED');
  t.is((await fetch(`${host.url}/v2/token`, { headers: { authorization: basic('me', 'wrong') } })).status, 401);
  const issued = (await (await fetch(`${host.url}/v2/token?scope=repository:images/app:push`, { headers: { authorization: basic('me', host.adminToken) } })).json()) as { token: string };
  const session = await fetch(`${host.url}/v2/images/app/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${issued.token}` } });
  t.is(session.status, 202);
  const viaBasic = await fetch(`${host.url}/v2/images/app/blobs/uploads/`, { method: 'POST', headers: { authorization: basic('anyone', host.adminToken) } });
  t.is(viaBasic.status, 202);
});

test('chunked, streamed and monolithic uploads; out-of-order chunks, digest mismatches, status and cancel', async (t) => {
  const { call } = await registry(t);
  const start = await call('/v2/images/team/app/blobs/uploads/', { method: 'POST' });
  t.is(start.status, 202);
  const location = start.headers.get('location') ?? '';
  t.regex(location, /^\/v2\/images\/team\/app\/blobs\/uploads\/[0-9a-f]{32}$/);
  t.is(start.headers.get('range'), '0-0');
  t.truthy(start.headers.get('docker-upload-uuid'));

  const first = await call(location, { method: 'PATCH', body: 'hello ', headers: { 'content-range': '0-5', 'content-type': 'application/octet-stream' } });
  t.is(first.status, 202);
  t.is(first.headers.get('range'), '0-5');
  const outOfOrder = await call(location, { method: 'PATCH', body: 'xx', headers: { 'content-range': '10-11' } });
  t.is(outOfOrder.status, 416);
  t.is(await code(outOfOrder), 'RANGE_INVALID');
  t.is(outOfOrder.headers.get('range'), '0-5');
  // A streamed chunk: no length, no Content-Range.
  const streamed = await call(location, {
    method: 'PATCH',
    body: new ReadableStream({ start: (c) => { c.enqueue(new TextEncoder().encode('world')); c.close(); } }),
    duplex: 'half',
  } as RequestInit);
  t.is(streamed.status, 202);
  t.is(streamed.headers.get('range'), '0-10');
  const status = await call(location);
  t.is(status.status, 204);
  t.is(status.headers.get('range'), '0-10');

  const wrong = await call(`${location}?digest=${sha256('something else')}`, { method: 'PUT' });
  t.is(wrong.status, 400);
  t.is(await code(wrong), 'DIGEST_INVALID');
  t.is((await call(`/v2/images/team/app/blobs/${sha256('hello world')}`, { method: 'HEAD' })).status, 404);
  t.is((await call(location)).status, 404);

  // Again, closed by a PUT that carries the last chunk.
  const again = (await call('/v2/images/team/app/blobs/uploads', { method: 'POST' })).headers.get('location') ?? '';
  t.is((await call(again, { method: 'PATCH', body: 'hello ' })).status, 202);
  const done = await call(`${again}?digest=${sha256('hello world')}`, { method: 'PUT', body: 'world', headers: { 'content-range': '6-10' } });
  t.is(done.status, 201);
  t.is(done.headers.get('docker-content-digest'), sha256('hello world'));
  t.is(done.headers.get('location'), `/v2/images/team/app/blobs/${sha256('hello world')}`);
  const blob = await call(`/v2/images/team/app/blobs/${sha256('hello world')}`);
  t.is(await blob.text(), 'hello world');
  t.is(blob.headers.get('docker-content-digest'), sha256('hello world'));

  const monolithic = await call(`/v2/images/team/app/blobs/uploads/?digest=${sha256('mono')}`, { method: 'POST', body: 'mono' });
  t.is(monolithic.status, 201);
  const badMono = await call(`/v2/images/team/app/blobs/uploads/?digest=${sha256('other')}`, { method: 'POST', body: 'mono' });
  t.is(await code(badMono), 'DIGEST_INVALID');
  t.is((await call(`/v2/images/team/app/blobs/${sha256('other')}`, { method: 'HEAD' })).status, 404);

  const cancelled = (await call('/v2/images/team/app/blobs/uploads/', { method: 'POST' })).headers.get('location') ?? '';
  t.is((await call(cancelled, { method: 'DELETE' })).status, 204);
  t.is(await code(await call(cancelled, { method: 'PATCH', body: 'x' })), 'BLOB_UPLOAD_UNKNOWN');
  t.is((await call(cancelled, { method: 'DELETE' })).status, 404);
});

test('cross-repository mount: 201 when the blob exists, else 202 and an upload', async (t) => {
  const { call } = await registry(t);
  const digest = await pushBlob(call, 'team/app', 'shared layer');
  const mounted = await call(`/v2/other/team/copy/blobs/uploads/?mount=${digest}&from=images/team/app`, { method: 'POST' });
  t.is(mounted.status, 201);
  t.is(mounted.headers.get('docker-content-digest'), digest);
  t.is(await (await call(`/v2/other/team/copy/blobs/${digest}`)).text(), 'shared layer');
  const missing = await call(`/v2/other/team/copy/blobs/uploads/?mount=${sha256('nope')}&from=images/team/app`, { method: 'POST' });
  t.is(missing.status, 202);
  t.truthy(missing.headers.get('location'));
});

test('manifests by tag and digest: exact bytes and type, blobs must exist, tags move; tags/list, _catalog, DELETE, referrers', async (t) => {
  const { call, host } = await registry(t);
  const manifest = imageManifest('{"config":1}', ['layer-a']);
  const missing = await call('/v2/images/team/app/manifests/v1', { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } });
  t.is(missing.status, 400);
  t.is(await code(missing), 'MANIFEST_BLOB_UNKNOWN');
  await pushBlob(call, 'team/app', '{"config":1}');
  await pushBlob(call, 'team/app', 'layer-a');
  const put = await call('/v2/images/team/app/manifests/v1', { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } });
  t.is(put.status, 201);
  const digest = sha256(manifest);
  t.is(put.headers.get('docker-content-digest'), digest);
  for (const ref of ['v1', digest]) {
    const got = await fetch(`${host.url}/v2/images/team/app/manifests/${ref}`);
    t.is(got.status, 200);
    t.is(got.headers.get('content-type'), OCI_MANIFEST);
    t.is(got.headers.get('docker-content-digest'), digest);
    t.is(await got.text(), manifest);
  }
  const wrongDigest = await call(`/v2/images/team/app/manifests/${sha256('x')}`, { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } });
  t.is(await code(wrongDigest), 'DIGEST_INVALID');

  // An index whose child manifest is missing, then present; by digest only.
  const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest, size: Buffer.byteLength(manifest) }] });
  t.is((await call(`/v2/images/team/app/manifests/${sha256(index)}`, { method: 'PUT', body: index, headers: { 'content-type': OCI_INDEX } })).status, 201);
  t.is(await code(await call('/v2/images/team/other/manifests/v1', { method: 'PUT', body: index, headers: { 'content-type': OCI_INDEX } })), 'MANIFEST_BLOB_UNKNOWN');
  // ?tag= on a PUT by digest tags it in the same request (OCI-Tag).
  const tagged = await call(`/v2/images/team/app/manifests/${sha256(index)}?tag=multi&tag=multi-2`, { method: 'PUT', body: index, headers: { 'content-type': OCI_INDEX } });
  t.is(tagged.status, 201);
  t.is(tagged.headers.get('oci-tag'), 'multi, multi-2');
  t.is(await (await fetch(`${host.url}/v2/images/team/app/manifests/multi-2`)).text(), index);
  t.is(await code(await call(`/v2/images/team/app/manifests/${sha256(index)}?tag=bad:tag`, { method: 'PUT', body: index })), 'TAG_INVALID');
  for (const tag of ['multi', 'multi-2']) t.is((await call(`/v2/images/team/app/manifests/${tag}`, { method: 'DELETE' })).status, 202);

  // A tag moves; tags in lexical order with n / last.
  for (const tag of ['v2', 'B', 'latest', '10', '9']) {
    t.is((await call(`/v2/images/team/app/manifests/${tag}`, { method: 'PUT', body: tag === 'latest' ? index : manifest, headers: { 'content-type': tag === 'latest' ? OCI_INDEX : OCI_MANIFEST } })).status, 201);
  }
  t.is(await (await fetch(`${host.url}/v2/images/team/app/manifests/latest`)).text(), index);
  t.is((await call('/v2/images/team/app/manifests/latest', { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } })).status, 201);
  t.is(await (await fetch(`${host.url}/v2/images/team/app/manifests/latest`)).text(), manifest);
  const all = (await (await fetch(`${host.url}/v2/images/team/app/tags/list`)).json()) as { name: string; tags: string[] };
  t.deepEqual(all, { name: 'team/app', tags: ['10', '9', 'B', 'latest', 'v1', 'v2'] });
  const page = await fetch(`${host.url}/v2/images/team/app/tags/list?n=2&last=9`);
  t.deepEqual(((await page.json()) as { tags: string[] }).tags, ['B', 'latest']);
  t.is(page.headers.get('link'), '</v2/images/team/app/tags/list?n=2&last=latest>; rel="next"');
  t.is(await code(await fetch(`${host.url}/v2/images/nothing/tags/list`)), 'NAME_UNKNOWN');
  const catalog = (await (await fetch(`${host.url}/v2/images/_catalog`)).json()) as { repositories: string[] };
  t.deepEqual(catalog.repositories, ['images/team/app']);

  // Referrers: a manifest with a subject.
  await pushBlob(call, 'team/app', '{}');
  const sig = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.example.sig',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 },
    layers: [],
    subject: { mediaType: OCI_MANIFEST, digest, size: Buffer.byteLength(manifest) },
  });
  const sigPut = await call(`/v2/images/team/app/manifests/${sha256(sig)}`, { method: 'PUT', body: sig, headers: { 'content-type': OCI_MANIFEST } });
  t.is(sigPut.status, 201);
  t.is(sigPut.headers.get('oci-subject'), digest);
  const referrers = (await (await fetch(`${host.url}/v2/images/team/app/referrers/${digest}`)).json()) as { manifests: Array<{ digest: string; artifactType: string }> };
  t.deepEqual(referrers.manifests.map((m) => [m.digest, m.artifactType]), [[sha256(sig), 'application/vnd.example.sig']]);
  const filtered = await fetch(`${host.url}/v2/images/team/app/referrers/${digest}?artifactType=other`);
  t.is(filtered.headers.get('oci-filters-applied'), 'artifactType');
  t.deepEqual(((await filtered.json()) as { manifests: unknown[] }).manifests, []);

  // DELETE: a tag, a manifest by digest (its tags go with it), a blob.
  t.is((await call('/v2/images/team/app/manifests/v2', { method: 'DELETE' })).status, 202);
  t.is((await fetch(`${host.url}/v2/images/team/app/manifests/v2`)).status, 404);
  t.is((await fetch(`${host.url}/v2/images/team/app/manifests/v2`, { method: 'DELETE' })).status, 401);
  t.is((await call(`/v2/images/team/app/manifests/${digest}`, { method: 'DELETE' })).status, 202);
  t.is((await fetch(`${host.url}/v2/images/team/app/manifests/v1`)).status, 404);
  t.deepEqual(((await (await fetch(`${host.url}/v2/images/team/app/tags/list`)).json()) as { tags: string[] }).tags, []);
  t.is((await call(`/v2/images/team/app/blobs/${sha256('layer-a')}`, { method: 'DELETE' })).status, 202);
  t.is(await code(await call(`/v2/images/team/app/blobs/${sha256('layer-a')}`, { method: 'DELETE' })), 'BLOB_UNKNOWN');
});

clients.test('skopeo pushes the multi-arch image with the admin token and pulls it back with the same digests; without credentials it fails', async (t) => {
  const { host } = await registry(t);
  const dir = await tempDir(t, 'aapi-docker-push-');
  const image = await buildOciImage(join(dir, 'layout'));
  const where = `${host.url.replace(/^http:\/\//, '')}/images/team/app:v1`;
  await t.throwsAsync(pushImage(image, where), { message: /unauthorized|authentication required|401/i });
  await pushImage(image, where, { creds: `any:${host.adminToken}` });
  const raw = await inspectRaw(where);
  t.is(sha256(raw), image.index.digest);
  await skopeo(['copy', '--all', '--src-tls-verify=false', `docker://${where}`, `oci:${join(dir, 'pulled')}:v1`]);
  const pulled = JSON.parse(await readFile(join(dir, 'pulled', 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  t.is(pulled.manifests[0]?.digest, image.index.digest);
  for (const m of image.manifests) {
    const bytes = await readFile(join(dir, 'pulled', 'blobs', 'sha256', m.digest.slice('sha256:'.length)));
    t.is(sha256(bytes), m.digest);
  }
  const tags = (await (await fetch(`${host.url}/v2/images/team/app/tags/list`)).json()) as { tags: string[] };
  t.deepEqual(tags.tags, ['v1']);
});

test('a virtual repository tries its members in order and merges their tags; it takes no pushes', async (t) => {
  const { call, host } = await registry(t);
  const push = async (repo: string, tag: string, config: string) => {
    await pushBlob(call, 'team/app', config, repo);
    const manifest = imageManifest(config, []);
    t.is((await call(`/v2/${repo}/team/app/manifests/${tag}`, { method: 'PUT', body: manifest, headers: { 'content-type': OCI_MANIFEST } })).status, 201);
    return manifest;
  };
  const first = await push('images', 'v1', '{"first":1}');
  await push('other', 'v1', '{"second":1}');
  const onlyOther = await push('other', 'v2', '{"second":2}');
  t.is(await (await fetch(`${host.url}/v2/all/team/app/manifests/v1`)).text(), first);
  t.is(await (await fetch(`${host.url}/v2/all/team/app/manifests/v2`)).text(), onlyOther);
  t.is(await (await fetch(`${host.url}/v2/all/team/app/blobs/${sha256('{"second":2}')}`)).text(), '{"second":2}');
  t.deepEqual(((await (await fetch(`${host.url}/v2/all/team/app/tags/list`)).json()) as { tags: string[] }).tags, ['v1', 'v2']);
  const page = await fetch(`${host.url}/v2/all/team/app/tags/list?n=1`);
  t.is(page.headers.get('link'), '</v2/all/team/app/tags/list?n=1&last=v1>; rel="next"');
  t.is(await code(await fetch(`${host.url}/v2/all/nothing/tags/list`)), 'NAME_UNKNOWN');
  t.is(await code(await fetch(`${host.url}/v2/all/team/app/manifests/v3`)), 'MANIFEST_UNKNOWN');
  t.is(await code(await call('/v2/all/team/app/blobs/uploads/', { method: 'POST' })), 'UNSUPPORTED');
});

test('bad push requests get the registry codes with 4xx statuses, never a 500', async (t) => {
  const { call } = await registry(t);
  const location = (await call('/v2/images/team/app/blobs/uploads/', { method: 'POST' })).headers.get('location') ?? '';
  const cases: Array<[string, RequestInit, number, string]> = [
    [location, { method: 'PATCH', body: 'abc', headers: { 'content-range': 'nonsense' } }, 400, 'BLOB_UPLOAD_INVALID'],
    [location, { method: 'PATCH', body: 'abc', headers: { 'content-range': '0-9' } }, 400, 'SIZE_INVALID'],
    [location, { method: 'PUT' }, 400, 'DIGEST_INVALID'],
    [`${location}?digest=sha512:${'a'.repeat(128)}`, { method: 'PUT' }, 400, 'DIGEST_INVALID'],
    [`${location}?digest=nope`, { method: 'PUT' }, 400, 'DIGEST_INVALID'],
    [`/v2/images/team/app/blobs/uploads/${'0'.repeat(32)}`, { method: 'PATCH', body: 'x' }, 404, 'BLOB_UPLOAD_UNKNOWN'],
    [`/v2/images/team/app/blobs/uploads/${'0'.repeat(32)}`, {}, 404, 'BLOB_UPLOAD_UNKNOWN'],
    ['/v2/images/team/app/manifests/v1', { method: 'PUT', body: '{not json', headers: { 'content-type': OCI_MANIFEST } }, 400, 'MANIFEST_INVALID'],
    ['/v2/images/team/app/manifests/v1', { method: 'PUT', body: '{"schemaVersion":2}', headers: { 'content-type': OCI_MANIFEST } }, 400, 'MANIFEST_INVALID'],
    ['/v2/images/team/app/manifests/-bad', { method: 'PUT', body: '{}' }, 400, 'TAG_INVALID'],
    ['/v2/images/Team/app/manifests/v1', { method: 'PUT', body: '{}' }, 400, 'NAME_INVALID'],
    [`/v2/images/team/app/blobs/${sha256('none')}`, {}, 404, 'BLOB_UNKNOWN'],
    ['/v2/images/team/app/manifests/v9', {}, 404, 'MANIFEST_UNKNOWN'],
    ['/v2/images/team/app/manifests/v9', { method: 'DELETE' }, 404, 'MANIFEST_UNKNOWN'],
    ['/v2/_catalog', {}, 405, 'UNSUPPORTED'],
    ['/v2/nope/team/app/blobs/uploads/', { method: 'POST' }, 404, 'NAME_UNKNOWN'],
  ];
  for (const [path, init, status, expected] of cases) {
    const res = await call(path, init);
    t.is(res.status, status, `${init.method ?? 'GET'} ${path}`);
    t.is(await code(res), expected, `${init.method ?? 'GET'} ${path}`);
  }
  // The session survived the refused chunks and closes normally.
  t.is((await call(`${location}?digest=${sha256('abc')}`, { method: 'PUT', body: 'abc' })).status, 201);
});
