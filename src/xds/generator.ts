// The one interface between the protocol and translation: given who asks, what they watch and
// what changed, return the resources. Generators never see nonces; the server never builds config.
import type { Proxy } from '../pilot/model/proxy.js';
import type { Any__Output } from '../xds-api/index.js';
import type { PushRequest } from './push-request.js';
import type { WatchedResource } from './watch.js';

export interface GeneratedResource {
  name: string;
  /** Per-resource version for delta xDS; the server hashes the bytes when absent. */
  version?: string;
  resource: Any__Output;
}

export interface Generated {
  resources: GeneratedResource[];
  /** version_info of the SotW response and system_version_info of the delta response. */
  version: string;
  /**
   * Only some of the watched resources (those the push changed); the others are unchanged, not
   * removed. Only for incremental (delta) watches.
   */
  partial?: boolean;
}

/** A read-only view of the watch the generator is asked about. */
export type WatchView = Pick<WatchedResource, 'typeUrl' | 'wildcard'> & {
  names: ReadonlySet<string>;
  /** The stream is delta xDS: the generator may answer a push with only the changed resources (`partial`). */
  incremental?: boolean;
};

export interface Generator<P = unknown> {
  /**
   * Resources for `watch`. For wildcard watches return the full set (LDS/CDS); for named watches
   * the named resources that exist (others are filtered out). `undefined` means "this push does not
   * affect this type for this proxy": nothing is sent.
   */
  generate(proxy: Proxy, watch: WatchView, req: PushRequest<P>): Generated | undefined | Promise<Generated | undefined>;
}

export type Generators<P> = ReadonlyMap<string, Generator<P>>;
