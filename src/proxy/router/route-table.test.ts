import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route, RouteConfiguration } from '../config/types.js';
import { RequestHeaders } from '../http1/headers.js';
import { RouteTable } from './route-table.js';

function headers(pairs: [string, string][] = []): RequestHeaders {
  const h = new RequestHeaders();
  for (const [k, v] of pairs) h.add(k, v);
  return h;
}

function table(routes: Route[], domains: string[] = ['*']): RouteTable {
  const rc: RouteConfiguration = { name: 'rc', virtualHosts: [{ name: 'vh', domains, routes }] };
  return new RouteTable(rc);
}

const to = (cluster: string) => ({ route: { cluster } });

describe('virtual host selection', () => {
  const rc: RouteConfiguration = {
    name: 'rc',
    virtualHosts: [
      { name: 'exact', domains: ['www.foo.com', 'www.foo.com:8080'], routes: [{ match: { prefix: '/' }, ...to('exact') }] },
      { name: 'suffix-short', domains: ['*.com'], routes: [{ match: { prefix: '/' }, ...to('suffix-short') }] },
      { name: 'suffix-long', domains: ['*.foo.com'], routes: [{ match: { prefix: '/' }, ...to('suffix-long') }] },
      { name: 'prefix', domains: ['foo.*'], routes: [{ match: { prefix: '/' }, ...to('prefix') }] },
      { name: 'any', domains: ['*'], routes: [{ match: { prefix: '/' }, ...to('any') }] },
    ],
  };
  const t = new RouteTable(rc);
  const cases: [string, string][] = [
    ['www.foo.com', 'exact'],
    ['WWW.Foo.COM', 'exact'],
    ['www.foo.com:8080', 'exact'],
    ['api.foo.com', 'suffix-long'],
    ['bar.com', 'suffix-short'],
    ['foo.org', 'prefix'],
    ['foo.com', 'suffix-short'],
    ['other', 'any'],
    ['www.foo.com:9090', 'any'],
  ];
  for (const [host, want] of cases) {
    it(`${host} -> ${want}`, () => assert.equal(t.virtualHost(host)?.name, want));
  }
  it('rejects a domain listed by two virtual hosts', () => {
    assert.throws(() => new RouteTable({
      name: 'dup',
      virtualHosts: [
        { name: 'a', domains: ['x.com'], routes: [] },
        { name: 'b', domains: ['X.com'], routes: [] },
      ],
    }), /domain "X.com" appears in more than one virtual host/);
  });
  it('a wildcard stands for at least one character', () => {
    const w = new RouteTable({ name: 'w', virtualHosts: [{ name: 'a', domains: ['*.foo.com'], routes: [] }] });
    assert.equal(w.virtualHost('.foo.com'), undefined);
  });
});

describe('route matching', () => {
  interface Case { name: string; route: Route['match']; path: string; query?: string; headers?: [string, string][]; want: boolean }
  const cases: Case[] = [
    { name: 'prefix', route: { prefix: '/api' }, path: '/api/v1', want: true },
    { name: 'prefix is case sensitive by default', route: { prefix: '/api' }, path: '/API/v1', want: false },
    { name: 'prefix case-insensitive', route: { prefix: '/api', caseSensitive: false }, path: '/API/v1', want: true },
    { name: 'exact path', route: { path: '/a' }, path: '/a', want: true },
    { name: 'exact path ignores query', route: { path: '/a' }, path: '/a', query: '?x=1', want: true },
    { name: 'exact path no longer', route: { path: '/a' }, path: '/ab', want: false },
    { name: 'path-separated equal', route: { pathSeparatedPrefix: '/api' }, path: '/api', want: true },
    { name: 'path-separated slash', route: { pathSeparatedPrefix: '/api' }, path: '/api/x', want: true },
    { name: 'path-separated not a segment', route: { pathSeparatedPrefix: '/api' }, path: '/apix', want: false },
    { name: 'regex full match', route: { safeRegex: { regex: '/v[0-9]+/.*' } }, path: '/v12/x', want: true },
    { name: 'regex must match whole path', route: { safeRegex: { regex: '/v[0-9]+' } }, path: '/v12/x', want: false },
    { name: 'header exact', route: { prefix: '/', headers: [{ name: 'x-user', stringMatch: { exact: 'jason' } }] }, path: '/', headers: [['x-user', 'jason']], want: true },
    { name: 'header exact mismatch', route: { prefix: '/', headers: [{ name: 'x-user', stringMatch: { exact: 'jason' } }] }, path: '/', headers: [['x-user', 'bob']], want: false },
    { name: 'header name case-insensitive', route: { prefix: '/', headers: [{ name: 'X-User', stringMatch: { exact: 'a' } }] }, path: '/', headers: [['x-user', 'a']], want: true },
    { name: 'header prefix', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { prefix: 'ab' } }] }, path: '/', headers: [['h', 'abc']], want: true },
    { name: 'header suffix', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { suffix: 'bc' } }] }, path: '/', headers: [['h', 'abc']], want: true },
    { name: 'header contains', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { contains: 'b' } }] }, path: '/', headers: [['h', 'abc']], want: true },
    { name: 'header ignoreCase', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { exact: 'ABC', ignoreCase: true } }] }, path: '/', headers: [['h', 'abc']], want: true },
    { name: 'header regex', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { safeRegex: { regex: 'a.c' } } }] }, path: '/', headers: [['h', 'abc']], want: true },
    { name: 'header repeated values joined', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { exact: 'a,b' } }] }, path: '/', headers: [['h', 'a'], ['h', 'b']], want: true },
    { name: 'header present', route: { prefix: '/', headers: [{ name: 'h', presentMatch: true }] }, path: '/', headers: [['h', '']], want: true },
    { name: 'header present but absent', route: { prefix: '/', headers: [{ name: 'h', presentMatch: true }] }, path: '/', want: false },
    { name: 'header invert on absent', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { exact: 'x' }, invertMatch: true }] }, path: '/', want: true },
    { name: 'header invert on match', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { exact: 'x' }, invertMatch: true }] }, path: '/', headers: [['h', 'x']], want: false },
    { name: 'missing header as empty', route: { prefix: '/', headers: [{ name: 'h', stringMatch: { exact: '' }, treatMissingHeaderAsEmpty: true }] }, path: '/', want: true },
    { name: 'query exact', route: { prefix: '/', queryParameters: [{ name: 'v', stringMatch: { exact: '2' } }] }, path: '/', query: '?a=1&v=2', want: true },
    { name: 'query mismatch', route: { prefix: '/', queryParameters: [{ name: 'v', stringMatch: { exact: '2' } }] }, path: '/', query: '?v=3', want: false },
    { name: 'query present', route: { prefix: '/', queryParameters: [{ name: 'debug', presentMatch: true }] }, path: '/', query: '?debug', want: true },
    { name: 'query absent', route: { prefix: '/', queryParameters: [{ name: 'debug', presentMatch: true }] }, path: '/', query: '', want: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = table([{ match: c.route, ...to('hit') }]);
      const r = t.route('any', c.path, c.query ?? '', headers(c.headers));
      assert.equal(r !== undefined, c.want);
    });
  }

  it('first matching route wins', () => {
    const t = table([{ match: { prefix: '/a' }, ...to('first') }, { match: { prefix: '/' }, ...to('second') }]);
    const r = t.route('h', '/abc', '', headers());
    assert.deepEqual(r?.action, { kind: 'cluster', cluster: 'first' });
  });

  it('rejects an invalid regex with the route named', () => {
    assert.throws(() => table([{ match: { safeRegex: { regex: '(' } }, ...to('x') }]), /routes\[0\].*invalid regex/);
  });
});

describe('path rewrites', () => {
  const cases: [string, Route, string, string, string][] = [
    ['prefix rewrite', { match: { prefix: '/api/' }, route: { cluster: 'c', prefixRewrite: '/' } }, '/api/users', '?x=1', '/users?x=1'],
    ['prefix rewrite of exact path', { match: { path: '/old' }, route: { cluster: 'c', prefixRewrite: '/new' } }, '/old', '', '/new'],
    ['regex rewrite with group', { match: { prefix: '/' }, route: { cluster: 'c', regexRewrite: { pattern: { regex: '^/service/([^/]+)(/.*)$' }, substitution: '\\2/instance/\\1' } } }, '/service/foo/v1/api', '', '/v1/api/instance/foo'],
    ['regex rewrite every match', { match: { prefix: '/' }, route: { cluster: 'c', regexRewrite: { pattern: { regex: 'one' }, substitution: 'two' } } }, '/xxx/one/yyy/one/zzz', '', '/xxx/two/yyy/two/zzz'],
  ];
  for (const [name, route, path, query, want] of cases) {
    it(name, () => {
      const r = table([route]).route('h', path, query, headers());
      assert.equal(r?.rewritePath?.(path, query), want);
    });
  }
});

describe('require_tls (Gateway httpsRedirect)', () => {
  const rc = (requireTls: 'ALL' | 'EXTERNAL_ONLY'): RouteConfiguration => ({
    name: 'rc',
    virtualHosts: [{ name: 'vh', domains: ['*'], requireTls, routes: [{ match: { path: '/only' }, ...to('c') }] }],
  });
  const cases: [string, 'ALL' | 'EXTERNAL_ONLY', [string, string][], string, 'redirect' | 'cluster' | 'none'][] = [
    ['plaintext is redirected', 'ALL', [['x-forwarded-proto', 'http']], '/only', 'redirect'],
    ['no x-forwarded-proto counts as plaintext', 'ALL', [], '/only', 'redirect'],
    ['an unmatched path is redirected too (checked before routes)', 'ALL', [['x-forwarded-proto', 'http']], '/other', 'redirect'],
    ['https is routed', 'ALL', [['x-forwarded-proto', 'https']], '/only', 'cluster'],
    ['https with no matching route is 404', 'ALL', [['x-forwarded-proto', 'https']], '/other', 'none'],
    ['EXTERNAL_ONLY redirects external plaintext', 'EXTERNAL_ONLY', [['x-forwarded-proto', 'http']], '/only', 'redirect'],
    ['EXTERNAL_ONLY routes internal plaintext', 'EXTERNAL_ONLY', [['x-forwarded-proto', 'http'], ['x-envoy-internal', 'true']], '/only', 'cluster'],
  ];
  for (const [name, mode, hs, path, want] of cases) {
    it(name, () => {
      const r = new RouteTable(rc(mode)).route('example.com', path, '', headers(hs));
      if (want === 'none') return assert.equal(r, undefined);
      assert.equal(r?.action.kind, want);
      if (want === 'redirect' && r?.action.kind === 'redirect') assert.equal(r.action.redirect.httpsRedirect, true);
    });
  }
});
