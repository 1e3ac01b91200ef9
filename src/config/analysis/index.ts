// Configuration analysis (`istioctl analyze`): Istio's message types, the analyzer framework
// (context, resources, runner), the file loader that turns invalid objects into IST0106, and
// every analyzer.
export * from './analyzer.js';
export * from './context.js';
export * from './load.js';
export * from './message.js';
export * from './messages.js';
export * from './resource.js';
export * from './run.js';
export * from './analyzers/index.js';
