import test from 'ava';
import fc from 'fast-check';
import { checkProperty } from '@artifactapi/plugin-sdk/testkit/fuzz';
import { parseRange } from '../src/http/range.js';

// Properties of Range header parsing: whatever the header, the answer is "ignore it", "416", or
// a range of whole bytes inside the body.

const number = fc.oneof(fc.nat({ max: 2000 }), fc.constantFrom('', '0', '00', '-1', '1e3', '9'.repeat(30), '9007199254740993', ' 5', '٣'));
const header = fc.oneof(
  fc.tuple(fc.constantFrom('bytes=', 'Bytes=', 'bytes =', 'items=', ' bytes=', 'bytes=\t'), number, fc.constantFrom('-', '--', ''), number, fc.constantFrom('', ',0-1', ' ', '\n')).map((p) => p.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant(undefined),
);

test('parseRange answers undefined, unsatisfiable, or integers start <= end < size', (t) => {
  checkProperty(
    fc.property(header, fc.oneof(fc.nat({ max: 1500 }), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER)), (h, size) => {
      const range = parseRange(h, size);
      if (range === undefined || range === 'unsatisfiable') return;
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= size) throw new Error(`${JSON.stringify(h)} on ${size} bytes: ${start}-${end}`);
    }),
    3000,
  );
  t.pass();
});

test('parseRange: a well-formed first-last range inside the body is taken exactly, clipped at the end', (t) => {
  checkProperty(
    fc.property(fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), fc.integer({ min: 1, max: 5000 }), (first, length, size) => {
      const last = first + length;
      const range = parseRange(`bytes=${first}-${last}`, size);
      const expected = first >= size ? 'unsatisfiable' : { start: first, end: Math.min(last, size - 1) };
      if (JSON.stringify(range) !== JSON.stringify(expected)) throw new Error(`bytes=${first}-${last} on ${size}: ${JSON.stringify(range)}`);
      const suffix = parseRange(`bytes=-${length}`, size);
      const expectedSuffix = length === 0 ? 'unsatisfiable' : { start: Math.max(0, size - length), end: size - 1 };
      if (JSON.stringify(suffix) !== JSON.stringify(expectedSuffix)) throw new Error(`bytes=-${length} on ${size}: ${JSON.stringify(suffix)}`);
    }),
    1000,
  );
  t.pass();
});
