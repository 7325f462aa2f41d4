import test from 'ava';
import {
  advanceUpload,
  checkFinalDigest,
  completeChunk,
  digestOf,
  isAbandoned,
  newUploadSession,
  parseContentRange,
  parseUploadStart,
  planChunk,
  uploadHeaders,
  uploadRangeHeader,
} from '../src/index.js';
import type { RegistryError } from '../src/index.js';

const D = `sha256:${'c'.repeat(64)}`;
const refusal = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    const e = err as RegistryError;
    return `${e.code} ${e.status}`;
  }
};

test('Content-Range in the spec form and the RFC 9110 form; anything else is a 400', (t) => {
  t.deepEqual(parseContentRange('0-99'), { start: 0, end: 99 });
  t.deepEqual(parseContentRange('bytes 100-199/*'), { start: 100, end: 199 });
  t.deepEqual(parseContentRange('bytes=5-5'), { start: 5, end: 5 });
  for (const bad of ['', '-1-5', '5', 'a-b', '0-99/100', `0-${'9'.repeat(20)}`]) t.is(refusal(() => parseContentRange(bad)), 'BLOB_UPLOAD_INVALID 400', bad);
});

test('the Range header says 0-<last byte>, and 0-0 for an empty upload', (t) => {
  t.is(uploadRangeHeader(0), '0-0');
  t.is(uploadRangeHeader(1), '0-0');
  t.is(uploadRangeHeader(100), '0-99');
});

test('a chunk must continue the upload: out of order is 416 with the current Range', (t) => {
  t.deepEqual(planChunk(100, '100-199', '100'), { start: 100, length: 100 });
  t.is(refusal(() => planChunk(100, '0-99', undefined)), 'RANGE_INVALID 416');
  t.is(refusal(() => planChunk(100, '101-200', undefined)), 'RANGE_INVALID 416');
  t.is(refusal(() => planChunk(100, '100-99', undefined)), 'RANGE_INVALID 416');
  const err = t.throws(() => planChunk(100, '200-299', undefined)) as RegistryError;
  t.deepEqual(err.headers, { range: '0-99' });
  t.is(refusal(() => planChunk(0, '0-9', '11')), 'SIZE_INVALID 400');
  t.is(refusal(() => planChunk(0, undefined, 'ten')), 'SIZE_INVALID 400');
});

test('without Content-Range a chunk is appended, with or without a length (docker streams one PATCH)', (t) => {
  t.deepEqual(planChunk(42, undefined, undefined), { start: 42 });
  t.deepEqual(planChunk(42, '', '8'), { start: 42, length: 8 });
  t.is(completeChunk({ start: 42 }, 1000), 1042);
  t.is(completeChunk({ start: 42, length: 8 }, 8), 50);
  t.is(refusal(() => completeChunk({ start: 42, length: 8 }, 7)), 'SIZE_INVALID 400');
});

test('a session is plain data: id, offset, times; its headers tell the client where it stands', (t) => {
  const s = newUploadSession('local', 'team/app', 1000);
  t.regex(s.id, /^[0-9a-f-]{36}$/);
  t.not(newUploadSession('local', 'team/app', 1000).id, s.id);
  const later = advanceUpload(s, 512, 2000);
  t.deepEqual(JSON.parse(JSON.stringify(later)), { ...s, size: 512, updatedAt: 2000 });
  t.deepEqual(uploadHeaders(later), {
    location: `/v2/local/team/app/blobs/uploads/${s.id}`,
    range: '0-511',
    'docker-upload-uuid': s.id,
    'content-length': '0',
  });
  t.false(isAbandoned(later, 2000 + 24 * 3600 * 1000));
  t.true(isAbandoned(later, 2001 + 24 * 3600 * 1000));
  t.true(isAbandoned(later, 3001, 1000));
});

test('the POST query: plain, monolithic, or a mount whose from is {repo}/{image}', (t) => {
  t.deepEqual(parseUploadStart(''), { kind: 'session' });
  t.deepEqual(parseUploadStart(`digest=${D}`), { kind: 'monolithic', digest: D });
  t.deepEqual(parseUploadStart(`mount=${D}&from=hub/library/alpine`), { kind: 'mount', digest: D, fromRepository: 'hub', fromImage: 'library/alpine' });
  // A mount the registry cannot honour starts an upload instead (202), never an error.
  t.deepEqual(parseUploadStart(`mount=${D}&from=alpine`), { kind: 'session' });
  t.deepEqual(parseUploadStart(`mount=${D}`), { kind: 'session' });
  t.deepEqual(parseUploadStart(`mount=${D}&from=hub/Bad`), { kind: 'session' });
  t.is(refusal(() => parseUploadStart('digest=sha256:short')), 'DIGEST_INVALID 400');
  t.is(refusal(() => parseUploadStart('mount=nope&from=a/b')), 'DIGEST_INVALID 400');
});

test('the closing digest must be given, well formed and equal to what the bytes hash to', (t) => {
  const actual = digestOf('layer bytes');
  t.is(checkFinalDigest(actual, actual), actual);
  t.is(refusal(() => checkFinalDigest(null, actual)), 'DIGEST_INVALID 400');
  t.is(refusal(() => checkFinalDigest('', actual)), 'DIGEST_INVALID 400');
  t.is(refusal(() => checkFinalDigest('sha256:xyz', actual)), 'DIGEST_INVALID 400');
  t.is(refusal(() => checkFinalDigest(digestOf('other bytes'), actual)), 'DIGEST_INVALID 400');
});
