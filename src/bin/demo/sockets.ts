// Checks, before anything starts, that every address the demo will bind is free, so a clash
// (a second demo, another program on the port) is one clear message instead of a proxy that
// quietly NACKs its listener.
import { createServer } from 'node:net';
import type { Socket } from './plan.js';

/** undefined when ip:port can be bound; otherwise why not. */
export function bindProblem(ip: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    srv.listen({ host: ip, port, exclusive: true }, () => srv.close(() => resolve(undefined)));
  });
}

/** One line per socket that cannot be bound, with what to do about it. */
export async function socketProblems(sockets: readonly Socket[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of sockets) {
    const code = await bindProblem(s.ip, s.port);
    if (code === undefined) continue;
    const why = code === 'EADDRINUSE'
      ? 'is already in use (another demo still running? `ss -ltnp` shows who holds it)'
      : code === 'EADDRNOTAVAIL'
        ? 'is not an address of this machine (Linux routes all of 127.0.0.0/8 to lo; elsewhere add it to the loopback interface)'
        : `cannot be bound: ${code}`;
    out.push(`${s.ip}:${s.port} for ${s.owner} ${why}`);
  }
  return out;
}
