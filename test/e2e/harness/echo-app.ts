// The workload of a mesh host: an unmodified application that knows nothing of the mesh. HTTP
// ports answer with JSON of what arrived (headers, peer address, local address) so tests can see
// what the sidecars did; TCP ports echo bytes prefixed with the app's name. Every request is
// also logged as one `REQ <json>` line on stdout, which is how tests count what a backend (e.g.
// a mirror) received. Behaviour for resilience scenarios comes from the path:
//   /status/N        answers N
//   /flaky           answers 503 on every other request (1st, 3rd, ... fail) — retries hide it
//   /delay/MS        answers after MS milliseconds — faults, circuit breaking
//   anything else    200 with the echo
// and `--fail-all` makes every request answer 500 (an endpoint outlier detection should eject).
// Usage: echo-app NAME VERSION --http PORT[,PORT] [--tcp PORT[,PORT]] [--fail-all]
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface EchoReply {
  readonly app: string;
  readonly version: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The TCP peer as the app saw it (Istio's inbound passthrough makes this 127.0.0.6). */
  readonly peer: string;
  readonly local: string;
  readonly localPort: number;
  readonly seq: number;
}

function main(argv: string[]): void {
  const [app, version, ...rest] = argv;
  const list = (flag: string): number[] => {
    const i = rest.indexOf(flag);
    return i < 0 ? [] : rest[i + 1].split(',').map(Number);
  };
  const failAll = rest.includes('--fail-all');
  let seq = 0;
  let flaky = 0;
  for (const port of list('--http')) {
    const server = createHttpServer((req, res) => {
      let bytes = 0;
      req.on('data', (d: Buffer) => { bytes += d.length; });
      req.on('end', () => {
        const path = req.url ?? '/';
        const reply: EchoReply = {
          app, version, method: req.method ?? '', path, headers: req.headers,
          peer: req.socket.remoteAddress ?? '', local: req.socket.localAddress ?? '', localPort: req.socket.localPort ?? 0, seq: ++seq,
        };
        process.stdout.write(`REQ ${JSON.stringify({ app, path, peer: reply.peer, host: req.headers.host, seq: reply.seq, bytes })}\n`);
        let status = failAll ? 500 : 200;
        const code = /^\/status\/(\d{3})/.exec(path);
        if (code) status = Number(code[1]);
        if (path.startsWith('/flaky') && ++flaky % 2 === 1) status = 503;
        const delay = /^\/delay\/(\d+)/.exec(path);
        const body = JSON.stringify(reply);
        const send = () => {
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-app': app, 'x-version': version });
          res.end(body);
        };
        if (delay) setTimeout(send, Number(delay[1]));
        else send();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.listen(port, '0.0.0.0', () => process.stdout.write(`LISTEN http ${port}\n`));
  }
  for (const port of list('--tcp')) {
    createTcpServer((sock) => {
      process.stdout.write(`CONN ${JSON.stringify({ app, port, peer: sock.remoteAddress })}\n`);
      sock.on('data', (d: Buffer) => sock.write(`${app}:${d.toString('latin1')}`));
      sock.on('end', () => sock.end());
      sock.on('error', () => sock.destroy());
    }).listen(port, '0.0.0.0', () => process.stdout.write(`LISTEN tcp ${port}\n`));
  }
  process.on('SIGTERM', () => process.exit(0));
}

// Runs only as a program, so tests can import EchoReply.
if (process.argv[1] === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
