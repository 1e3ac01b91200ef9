import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PathNormalization } from '../config/types.js';
import { canonicalPath, mergeSlashes, normalizeTarget, unescapeSlashes } from './path-normalize.js';

test('canonicalPath: Envoy normalize_path cases', () => {
  const cases: [string, string | undefined][] = [
    // already canonical: the same string comes back
    ['/xyz', '/xyz'],
    ['/x/y/z', '/x/y/z'],
    ['/A/B/C', '/A/B/C'],
    ['/index.html', '/index.html'],
    ['/a/.hidden/..b', '/a/.hidden/..b'],
    // dot segments
    ['/a/b/../c', '/a/c'],
    ['/a/b/./c', '/a/b/c'],
    ['a/b/../c', '/a/c'],
    ['/a/b/../../../../c', '/c'],
    ['/../a/b', '/a/b'],
    ['/./a/b', '/a/b'],
    ['..', '/'],
    ['', '/'],
    ['/foo/.', '/foo/'],
    ['/foo/bar/..', '/foo/'],
    ['/foo/..bar', '/foo/..bar'],
    ['/foo/../../../ton', '/ton'],
    // backslashes are slashes
    ['/a/..\\c', '/c'],
    ['\\a\\b', '/a/b'],
    // escaped dots are dots
    ['/a/b/%2E%2E/c', '/a/c'],
    ['/a/b/%2e%2e/c', '/a/c'],
    ['/a/b/%2E./c', '/a/c'],
    ['/a/b/%2E/c', '/a/b/c'],
    ['/foo/%2e', '/foo/'],
    ['/foo/%2e%2', '/foo/.%2'],
    ['/a%2eb', '/a.b'],
    // escapes of reserved characters and of bytes >= 0x80 are kept exactly, hex case included
    ['/%c0%af', '/%c0%af'],
    ['/%5c%25', '/%5c%25'],
    ['/a/%2F%2f/c', '/a/%2F%2f/c'],
    // escapes of unreserved characters are decoded
    ['/%61dmin', '/admin'],
    ['/%41%2D%5f%7E', '/A-_~'],
    // characters that may not appear raw are escaped (upper-case hex)
    ['/a b', '/a%20b'],
    ['/a"b<c>d', '/a%22b%3Cc%3Ed'],
    ['/a{b}|^`', '/a%7Bb%7D%7C%5E%60'],
    ['/caf\u00e9', '/caf%E9'],
    ['/a#b', '/a%23b'],
    // a bare "%" stays, and decoding cannot assemble a new escape out of it
    ['/100%', '/100%'],
    ['/%zz', '/%zz'],
    ['/%%30%30', '/%2500'],
    ['/%A%42', '/%25AB'],
    // NUL, raw or escaped, fails the path
    ['/xyz/.%00../abc', undefined],
    ['/xyz/%00.%00./abc', undefined],
    ['/xyz/AAAAA%%0000/abc', undefined],
    ['/a\u0000b', undefined],
  ];
  for (const [input, want] of cases) assert.equal(canonicalPath(input), want, JSON.stringify(input));
});

test('mergeSlashes: runs of slashes become one', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a//b/c', 'a/b/c'],
    ['/a//b/c/', '/a/b/c/'],
    ['/a', '/a'],
    ['//a/b/c', '/a/b/c'],
    ['/a/b/c//', '/a/b/c/'],
    ['/a////b/c', '/a/b/c'],
  ];
  for (const [input, want] of cases) assert.equal(mergeSlashes(input), want, input);
});

test('unescapeSlashes: %2F and %5C in either case; undefined when there are none', () => {
  assert.equal(unescapeSlashes('/a/b'), undefined);
  assert.equal(unescapeSlashes('/a%20b'), undefined);
  assert.equal(unescapeSlashes('/a%2Fb%2fc'), '/a/b/c');
  assert.equal(unescapeSlashes('/a%5Cb%5cc'), '/a\\b\\c');
  assert.equal(unescapeSlashes('/a%2'), undefined);
  assert.equal(unescapeSlashes('%2F'), '/');
});

const opts = (o: Partial<PathNormalization>): PathNormalization => ({ normalize: false, mergeSlashes: false, escapedSlashes: 'KEEP_UNCHANGED', ...o });

test('normalizeTarget: the query is kept byte for byte, the order is escaped slashes → normalize → merge', () => {
  const cases: [string, Partial<PathNormalization>, string | { kind: string; location?: string }][] = [
    ['/a/../b?x=/../y', { normalize: true }, '/b?x=/../y'],
    ['/a//b?a=///c', { mergeSlashes: true }, '/a/b?a=///c'],
    ['//a/?b', { mergeSlashes: true }, '/a/?b'],
    ['/a//b/../c', { normalize: true, mergeSlashes: true }, '/a/c'],
    ['/a/b?', { normalize: true }, '/a/b?'],
    // escaped slashes
    ['/a%2Fb', { normalize: true }, '/a%2Fb'],
    ['/a%2Fb', { escapedSlashes: 'UNESCAPE_AND_FORWARD' }, '/a/b'],
    ['/a/b%2F..%2Fc', { normalize: true, escapedSlashes: 'UNESCAPE_AND_FORWARD' }, '/a/c'],
    ['/a%5C..%5Cb', { normalize: true, escapedSlashes: 'UNESCAPE_AND_FORWARD' }, '/b'],
    ['/a%2F%2Fb', { normalize: true, mergeSlashes: true, escapedSlashes: 'UNESCAPE_AND_FORWARD' }, '/a/b'],
    ['/a%2Fb?q=%2F', { escapedSlashes: 'REJECT_REQUEST' }, { kind: 'reject' }],
    ['/a/b?q=%2F', { escapedSlashes: 'REJECT_REQUEST' }, '/a/b?q=%2F'],
    ['/a%2f..%2fb?q', { normalize: true, escapedSlashes: 'UNESCAPE_AND_REDIRECT' }, { kind: 'redirect', location: '/b?q' }],
    ['/a/b', { escapedSlashes: 'UNESCAPE_AND_REDIRECT' }, '/a/b'],
    ['/a%00', { normalize: true }, { kind: 'reject' }],
  ];
  for (const [target, o, want] of cases) assert.deepEqual(normalizeTarget(target, opts(o)), want, `${target} ${JSON.stringify(o)}`);
});

test('normalizeTarget: an unchanged target is the same string (no copy on the common path)', () => {
  const t = '/api/v1/items/42.json?page=2';
  assert.equal(normalizeTarget(t, opts({ normalize: true, mergeSlashes: true, escapedSlashes: 'UNESCAPE_AND_FORWARD' })), t);
});
