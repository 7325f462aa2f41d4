import test from 'ava';
import { catalogBody, paginate, parsePageRequest, tagsListBody } from '../src/index.js';
import type { RegistryError } from '../src/index.js';

const TAGS = ['latest', '1.10', '1.9', 'B', 'a', '1.10', 'alpine'];
const PATH = '/v2/hub/library/nginx/tags/list';

test('tags in code-unit order, once each, all of them when no n is given', (t) => {
  t.deepEqual(paginate(TAGS, {}, PATH), { entries: ['1.10', '1.9', 'B', 'a', 'alpine', 'latest'] });
});

test('n and last walk the list; Link points at the next page until none remains', (t) => {
  const first = paginate(TAGS, { n: 2 }, PATH);
  t.deepEqual(first, { entries: ['1.10', '1.9'], link: `<${PATH}?n=2&last=1.9>; rel="next"` });
  const second = paginate(TAGS, parsePageRequest('n=2&last=1.9'), PATH);
  t.deepEqual(second.entries, ['B', 'a']);
  const third = paginate(TAGS, { n: 2, last: 'a' }, PATH);
  t.deepEqual(third, { entries: ['alpine', 'latest'] });
  t.deepEqual(paginate(TAGS, { n: 10, last: 'latest' }, PATH), { entries: [] });
});

test('last need not be a listed tag, and n=0 is an empty page', (t) => {
  t.deepEqual(paginate(TAGS, { last: 'al' }, PATH).entries, ['alpine', 'latest']);
  t.deepEqual(paginate(TAGS, { n: 0 }, PATH).entries, []);
});

test('a Link survives names that need escaping', (t) => {
  const page = paginate(['a/b', 'c&d', 'e'], { n: 2 }, '/v2/_catalog');
  t.is(page.link, '</v2/_catalog?n=2&last=c%26d>; rel="next"');
  t.deepEqual(parsePageRequest(new URL(`http://x${page.link?.slice(1, page.link.indexOf('>'))}`).searchParams), { n: 2, last: 'c&d' });
});

test('n must be a non-negative integer (PAGINATION_NUMBER_INVALID 400), and is capped', (t) => {
  for (const n of ['-1', '1.5', 'ten', '0x10']) {
    const err = t.throws(() => parsePageRequest(`n=${n}`)) as RegistryError;
    t.is(`${err.code} ${err.status}`, 'PAGINATION_NUMBER_INVALID 400', n);
  }
  t.deepEqual(parsePageRequest('n=100000'), { n: 1000 });
  t.deepEqual(parsePageRequest('n=&last='), {});
});

test('the bodies', (t) => {
  t.deepEqual(tagsListBody('library/nginx', { entries: ['a'] }), { name: 'library/nginx', tags: ['a'] });
  t.deepEqual(catalogBody({ entries: ['hub/library/nginx'] }), { repositories: ['hub/library/nginx'] });
});
