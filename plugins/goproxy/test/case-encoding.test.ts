import test from 'ava';
import { decodeCase, encodeCase } from '../src/case-encoding.js';

test('upper-case letters travel as ! and the lower-case letter, both ways', (t) => {
  t.is(encodeCase('github.com/Azure/Go-Thing'), 'github.com/!azure/!go-!thing');
  t.is(decodeCase('github.com/!azure/!go-!thing'), 'github.com/Azure/Go-Thing');
  t.is(encodeCase('v1.0.0-RC1'), 'v1.0.0-!r!c1');
  t.is(decodeCase('golang.org/x/text'), 'golang.org/x/text');
});

test('a path that is not validly encoded decodes to nothing', (t) => {
  t.is(decodeCase('github.com/Azure/x'), undefined);
  t.is(decodeCase('github.com/!/x'), undefined);
  t.is(decodeCase('github.com/!1x'), undefined);
});
