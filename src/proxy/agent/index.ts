// pilot-agent's proxy mode: node identity and metadata from the pod's environment, flags, the
// Agent that wires the proxy to its xDS client, the Envoy-shaped admin endpoints and the status port.
export { Agent, type AgentOptions } from './agent.js';
export { buildNode, buildNodeIdentity, type NodeInputs, type NodeIdentity, type ProxyType } from './node.js';
export { parseProxyFlags, FlagError, type ProxyFlags } from './flags.js';
export { agentAdminHandlers, type AgentView } from './admin-handlers.js';
export { InProcessDataPlane, WorkerPool, runProxyWorker, type DataPlane } from './data-plane.js';
