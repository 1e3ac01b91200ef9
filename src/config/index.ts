// Config ingestion: YAML/JSON files as documents with line numbers, files and directories named on
// a command line, the watched `--configDir` source, and the config store with its immutable
// snapshots. Analyzers live in `analysis/` and export from there.
export * from './documents.js';
export * from './load.js';
export * from './snapshot.js';
export * from './store.js';
export * from './problems.js';
export * from './ingest.js';
export * from './file-source.js';
