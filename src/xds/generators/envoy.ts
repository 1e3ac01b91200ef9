// Generators for Envoy-style proxies (sidecars and routers). Filled in as pilot's LDS/RDS/CDS/EDS
// translation lands; a type without an entry is not answered (the server logs it).
import type { PushContext } from '../../pilot/model/push-context.js';
import type { Generator } from '../generator.js';

export const ENVOY_GENERATORS: ReadonlyMap<string, Generator<PushContext>> = new Map();
