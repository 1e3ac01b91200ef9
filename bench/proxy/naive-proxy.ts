// The reference point design.md §6 calls "naive": Node's `http` server forwarding through an
// `http.Agent` with keep-alive. Kept in the benchmark so our proxy is always compared with it.
// Usage: node naive-proxy.js LISTEN_PORT UPSTREAM_PORT
import { Agent, createServer, request } from 'node:http';

const listenPort = Number(process.argv[2]);
const upstreamPort = Number(process.argv[3]);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

createServer((req, res) => {
  const up = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    ur.pipe(res);
  });
  up.on('error', () => { res.statusCode = 503; res.end(); });
  req.pipe(up);
}).listen(listenPort, '127.0.0.1');
