// A fixed-count HTTP/1.1 keep-alive load driver: COUNT GETs over CONNECTIONS connections, one
// outstanding per connection, then exit. For measurements that need the same work every run
// (instructions per request under callgrind), where wrk's fixed duration would not do.
// Usage: node fixed-driver.js PORT COUNT [CONNECTIONS]
import { connect } from 'node:net';

const port = Number(process.argv[2]);
const total = Number(process.argv[3]);
const conns = Number(process.argv[4] ?? 16);
const request = Buffer.from('GET / HTTP/1.1\r\nHost: bench.local\r\n\r\n');
let sent = 0;
let done = 0;

for (let i = 0; i < conns; i++) {
  const s = connect(port, '127.0.0.1');
  s.setNoDelay(true);
  let buf = '';
  const next = (): void => {
    if (sent < total) {
      sent++;
      s.write(request);
    } else {
      s.end();
    }
  };
  s.on('connect', next);
  s.on('error', (e) => {
    console.error(`fixed-driver: ${e.message}`);
    process.exit(1);
  });
  s.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const len = Number(/\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, h))?.[1] ?? 0);
      if (buf.length < h + 4 + len) return;
      if (!buf.startsWith('HTTP/1.1 200')) {
        console.error(`fixed-driver: unexpected response ${JSON.stringify(buf.slice(0, 60))}`);
        process.exit(1);
      }
      buf = buf.slice(h + 4 + len);
      if (++done === total) process.exit(0);
      next();
    }
  });
}
