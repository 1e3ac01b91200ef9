// Test helper: an in-process ADS client (grpc-js, same protos) that queues responses so tests can
// await them one at a time, with a deadline, and assert that nothing else arrived.
import * as grpc from '@grpc/grpc-js';
import {
  AdsClient, jsonToStruct,
  type DeltaDiscoveryRequest, type DeltaDiscoveryResponse__Output, type DiscoveryRequest, type DiscoveryResponse__Output,
} from '../../xds-api/index.js';

type Stream<Req, Resp> = grpc.ClientDuplexStream<Req, Resp>;

class Inbox<T> {
  private items: T[] = [];
  private waiters: Array<(v: T) => void> = [];
  error: unknown;

  put(v: T): void {
    const w = this.waiters.shift();
    if (w) w(v);
    else this.items.push(v);
  }

  next(timeoutMs: number, what: string): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`no ${what} within ${timeoutMs} ms${this.error ? ` (stream error: ${String(this.error)})` : ''}`));
      }, timeoutMs);
      const done = (x: T) => {
        clearTimeout(timer);
        resolve(x);
      };
      this.waiters.push(done);
    });
  }

  get queued(): number {
    return this.items.length;
  }
}

export const TEST_NODE_ID = 'sidecar~10.1.1.1~productpage-v1-abc.default~default.svc.cluster.local';

export function testNode(id = TEST_NODE_ID, meta: Record<string, unknown> = { NAMESPACE: 'default', ISTIO_VERSION: '1.24.0' }) {
  return { id, metadata: jsonToStruct(meta) };
}

export class TestAdsClient {
  readonly client: InstanceType<typeof AdsClient>;
  private sotw?: Stream<DiscoveryRequest, DiscoveryResponse__Output>;
  private delta?: Stream<DeltaDiscoveryRequest, DeltaDiscoveryResponse__Output>;
  readonly responses = new Inbox<DiscoveryResponse__Output>();
  readonly deltaResponses = new Inbox<DeltaDiscoveryResponse__Output>();
  readonly status = new Inbox<grpc.StatusObject>();

  constructor(port: number) {
    this.client = new AdsClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  send(req: DiscoveryRequest): void {
    if (!this.sotw) {
      this.sotw = this.client.StreamAggregatedResources();
      this.sotw.on('data', (r: DiscoveryResponse__Output) => this.responses.put(r));
      this.sotw.on('error', (e) => { this.responses.error = e; });
      this.sotw.on('status', (s: grpc.StatusObject) => this.status.put(s));
    }
    this.sotw.write(req);
  }

  sendDelta(req: DeltaDiscoveryRequest): void {
    if (!this.delta) {
      this.delta = this.client.DeltaAggregatedResources();
      this.delta.on('data', (r: DeltaDiscoveryResponse__Output) => this.deltaResponses.put(r));
      this.delta.on('error', (e) => { this.deltaResponses.error = e; });
      this.delta.on('status', (s: grpc.StatusObject) => this.status.put(s));
    }
    this.delta.write(req);
  }

  next(timeoutMs = 2000): Promise<DiscoveryResponse__Output> {
    return this.responses.next(timeoutMs, 'DiscoveryResponse');
  }

  nextDelta(timeoutMs = 2000): Promise<DeltaDiscoveryResponse__Output> {
    return this.deltaResponses.next(timeoutMs, 'DeltaDiscoveryResponse');
  }

  /** Resolves when no response arrives within `ms` (fails the test otherwise). */
  async expectSilence(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.responses.queued > 0 || this.deltaResponses.queued > 0) {
      throw new Error(`expected no response, got ${this.responses.queued + this.deltaResponses.queued}`);
    }
  }

  close(): void {
    this.sotw?.end();
    this.delta?.end();
    this.client.close();
  }
}
