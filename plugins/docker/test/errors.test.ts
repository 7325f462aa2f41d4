import test from 'ava';
import { REGISTRY_ERRORS, RegistryError, registryErrorBody, registryErrorFromProduct } from '../src/index.js';
import type { RegistryErrorCode } from '../src/index.js';

test('each code carries the status of distribution errcode table', (t) => {
  const statuses = Object.fromEntries(Object.entries(REGISTRY_ERRORS).map(([code, e]) => [code, e.status]));
  t.deepEqual(statuses, {
    BLOB_UNKNOWN: 404,
    BLOB_UPLOAD_INVALID: 404,
    BLOB_UPLOAD_UNKNOWN: 404,
    DIGEST_INVALID: 400,
    MANIFEST_BLOB_UNKNOWN: 400,
    MANIFEST_INVALID: 400,
    MANIFEST_UNKNOWN: 404,
    NAME_INVALID: 400,
    NAME_UNKNOWN: 404,
    SIZE_INVALID: 400,
    TAG_INVALID: 400,
    PAGINATION_NUMBER_INVALID: 400,
    RANGE_INVALID: 416,
    UNAUTHORIZED: 401,
    DENIED: 403,
    UNSUPPORTED: 405,
    TOOMANYREQUESTS: 429,
    UNAVAILABLE: 503,
    UNKNOWN: 500,
  });
});

test('the body is {errors:[{code,message,detail}]}, detail left out when there is none', (t) => {
  const plain = new RegistryError('MANIFEST_UNKNOWN');
  const detailed = new RegistryError('UNAUTHORIZED', { detail: [{ Type: 'repository', Name: 'app', Action: 'push' }], headers: { 'www-authenticate': 'Bearer realm="x"' } });
  t.deepEqual(JSON.parse(JSON.stringify(registryErrorBody(plain, detailed))), {
    errors: [
      { code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' },
      { code: 'UNAUTHORIZED', message: 'authentication required', detail: [{ Type: 'repository', Name: 'app', Action: 'push' }] },
    ],
  });
  t.is(detailed.status, 401);
  t.deepEqual(detailed.headers, { 'www-authenticate': 'Bearer realm="x"' });
  t.true(plain instanceof Error);
});

test('a status override keeps the code: BLOB_UPLOAD_INVALID as a 400 for a malformed request', (t) => {
  const e = new RegistryError('BLOB_UPLOAD_INVALID', { status: 400, message: 'invalid Content-Range' });
  t.is(e.status, 400);
  t.deepEqual(e.entry(), { code: 'BLOB_UPLOAD_INVALID', message: 'invalid Content-Range' });
});

test("the product's own errors keep their status and get the nearest registry code", (t) => {
  const cases: Array<[number, RegistryErrorCode]> = [
    [401, 'UNAUTHORIZED'],
    [403, 'DENIED'],
    [451, 'DENIED'],
    [404, 'NAME_UNKNOWN'],
    [429, 'TOOMANYREQUESTS'],
    [502, 'UNAVAILABLE'],
    [504, 'UNAVAILABLE'],
    [400, 'UNKNOWN'],
  ];
  for (const [status, code] of cases) {
    const e = registryErrorFromProduct({ code: 'AAPI_ERR_X', message: 'why', status });
    t.is(e.code, code, String(status));
    t.is(e.status, status);
    t.deepEqual(e.entry(), { code, message: 'why', detail: { code: 'AAPI_ERR_X' } });
  }
});
