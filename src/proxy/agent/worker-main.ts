// Entry point of a `--concurrency N` worker process (forked by WorkerPool): only the data path.
// The primary holds the xDS stream, gRPC, the protobuf descriptors, the admin server and iptables;
// starting workers from pilot-agent's own entry point loaded all of that into every worker too
// (~15 MiB of resident memory each).
// First, so that loading the data path cannot grow the young generation (young-generation.ts).
import './young-generation.js';
import { runProxyWorker } from './data-plane.js';

runProxyWorker();
