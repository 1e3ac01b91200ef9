import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FilterChainMatch } from '../config/types.js';
import { compileChainMatch, selectFilterChain, type ConnectionInfo } from './filter-chain-match.js';

const base: ConnectionInfo = {
  destinationAddress: '10.0.0.5', destinationPort: 9080, sourceAddress: '10.1.2.3', sourcePort: 5555,
  serverName: undefined, transportProtocol: 'raw_buffer', applicationProtocols: [],
};

function pick(chains: [string, FilterChainMatch | undefined][], info: Partial<ConnectionInfo>): string | undefined {
  return selectFilterChain(chains.map(([n, m]) => compileChainMatch(n, m)), { ...base, ...info });
}

describe('filter chain selection', () => {
  const cases: [string, [string, FilterChainMatch | undefined][], Partial<ConnectionInfo>, string | undefined][] = [
    ['port beats catch-all', [['any', undefined], ['p9080', { destinationPort: 9080 }]], {}, 'p9080'],
    ['other port falls to catch-all', [['any', undefined], ['p9080', { destinationPort: 9080 }]], { destinationPort: 80 }, 'any'],
    ['no match at all', [['p1', { destinationPort: 1 }]], {}, undefined],
    ['longest destination prefix', [['wide', { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 8 }] }], ['narrow', { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 24 }] }]], {}, 'narrow'],
    ['IPv4-mapped destination', [['narrow', { prefixRanges: [{ addressPrefix: '10.0.0.0', prefixLen: 24 }] }]], { destinationAddress: '::ffff:10.0.0.5' }, 'narrow'],
    ['exact server name over wildcard', [['wild', { serverNames: ['*.example.com'] }], ['exact', { serverNames: ['a.example.com'] }]], { serverName: 'a.example.com' }, 'exact'],
    ['wildcard server name', [['wild', { serverNames: ['*.example.com'] }], ['none', undefined]], { serverName: 'b.example.com' }, 'wild'],
    ['no SNI skips chains that need one', [['wild', { serverNames: ['*.example.com'] }], ['none', undefined]], {}, 'none'],
    ['transport protocol', [['tls', { transportProtocol: 'tls' }], ['raw', { transportProtocol: 'raw_buffer' }]], {}, 'raw'],
    ['application protocols', [['h2', { applicationProtocols: ['h2'] }], ['h1', { applicationProtocols: ['http/1.1'] }]], { applicationProtocols: ['http/1.1'] }, 'h1'],
    ['source prefix', [['src', { sourcePrefixRanges: [{ addressPrefix: '10.1.0.0', prefixLen: 16 }] }], ['other', undefined]], {}, 'src'],
    ['source port', [['sp', { sourcePorts: [5555] }], ['x', { sourcePorts: [1] }]], {}, 'sp'],
    ['port is decided before server name', [['port', { destinationPort: 9080 }], ['sni', { serverNames: ['a.com'] }]], { serverName: 'a.com' }, 'port'],
  ];
  for (const [name, chains, info, want] of cases) it(name, () => assert.equal(pick(chains, info), want));
});
