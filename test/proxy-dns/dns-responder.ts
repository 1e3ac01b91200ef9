// A small authoritative DNS server on a loopback UDP port for the DNS-cluster tests: A and AAAA
// records per name with a TTL, changed while it runs; unknown names get NXDOMAIN, known names
// without a record of the asked type an empty NOERROR answer. It logs every question, can delay
// its answers, and stopping it closes the socket (the resolver then sees ECONNREFUSED).
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

const TYPE_A = 1;
const TYPE_AAAA = 28;

export interface Records { a?: string[]; aaaa?: string[]; ttl?: number }
export interface Question { name: string; type: 'A' | 'AAAA' | number; at: number }

export interface DnsResponder {
  readonly port: number;
  /** `127.0.0.1:<port>`, for ISTIO_TS_DNS_RESOLVERS or a cluster's `dns.resolvers`. */
  readonly server: string;
  readonly records: Map<string, Records>;
  readonly questions: Question[];
  /** Milliseconds to hold every answer. */
  delayMs: number;
  stop(): Promise<void>;
}

export async function startDnsResponder(records: Record<string, Records> = {}): Promise<DnsResponder> {
  const socket: Socket = createSocket('udp4');
  const r: DnsResponder = {
    port: 0,
    server: '',
    records: new Map(Object.entries(records)),
    questions: [],
    delayMs: 0,
    stop: () => new Promise<void>((done) => socket.close(() => done())),
  };
  socket.on('message', (msg, rinfo) => {
    const q = parseQuestion(msg);
    if (q === undefined) return;
    r.questions.push({ name: q.name, type: q.type === TYPE_A ? 'A' : q.type === TYPE_AAAA ? 'AAAA' : q.type, at: Date.now() });
    const reply = answer(msg, q, r.records.get(q.name.toLowerCase()));
    const send = (): void => { try { socket.send(reply, rinfo.port, rinfo.address); } catch { /* stopped meanwhile */ } };
    if (r.delayMs > 0) setTimeout(send, r.delayMs);
    else send();
  });
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', () => done()));
  const port = socket.address().port;
  return Object.assign(r, { port, server: `127.0.0.1:${port}` });
}

interface Parsed { name: string; type: number; end: number }

function parseQuestion(msg: Buffer): Parsed | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i];
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return undefined;
  return { name: labels.join('.'), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

function answer(query: Buffer, q: Parsed, rec: Records | undefined): Buffer {
  const addresses = rec === undefined ? [] : q.type === TYPE_A ? rec.a ?? [] : q.type === TYPE_AAAA ? rec.aaaa ?? [] : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  const rd = query[2] & 0x01;
  header[2] = 0x84 | rd; // QR, AA, RD as asked
  header[3] = 0x80 | (rec === undefined ? 3 : 0); // RA; NXDOMAIN for unknown names
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const question = query.subarray(12, q.end);
  const answers = addresses.map((addr) => {
    const data = q.type === TYPE_A ? Buffer.from(addr.split('.').map(Number)) : ipv6Bytes(addr);
    const rr = Buffer.alloc(12 + data.length);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(q.type, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(rec?.ttl ?? 30, 6);
    rr.writeUInt16BE(data.length, 10);
    data.copy(rr, 12);
    return rr;
  });
  return Buffer.concat([header, question, ...answers]);
}

function ipv6Bytes(addr: string): Buffer {
  if (isIPv4(addr)) throw new Error(`${addr} is not IPv6`);
  const [head, tail = ''] = addr.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = addr.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
