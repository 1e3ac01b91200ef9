// WorkloadEntry: a non-Kubernetes workload (VM, bare metal) as a mesh endpoint.
import { defineKind } from '../kind.js';
import type { Diagnostics } from '../diagnostics.js';
import { message, stringMap, uint32, z } from '../schema.js';
import { checkLabels } from '../validation/common.js';
import { hostnameError } from '../validation/names.js';
import { isIPAddress, portError } from '../validation/net.js';
import { NETWORKING_GROUP, NETWORKING_VERSIONS } from './versions.js';

export const workloadEntrySpec = message({
  address: z.string().optional(),
  ports: z.record(z.string(), uint32).optional(),
  labels: stringMap.optional(),
  network: z.string().optional(),
  locality: z.string().optional(),
  weight: uint32.optional(),
  serviceAccount: z.string().optional(),
});
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpec>;

/** Shared with ServiceEntry.endpoints and WorkloadGroup.template, which embed WorkloadEntry. */
export function validateWorkloadEntry(we: WorkloadEntrySpec, d: Diagnostics, opts: { addressRequired: boolean }): void {
  const address = we.address ?? '';
  if (address === '') {
    if (opts.addressRequired && !we.network) d.error('address must be set', 'address');
  } else if (address.startsWith('unix://')) {
    if (address.length === 'unix://'.length) d.error('unix domain socket path must not be empty', 'address');
    else if (we.ports && Object.keys(we.ports).length > 0) d.error('unix domain socket address cannot have ports', 'ports');
  } else if (!isIPAddress(address)) {
    const e = hostnameError(address, false);
    if (e) d.error(`invalid address: ${e}`, 'address');
  }
  for (const [name, port] of Object.entries(we.ports ?? {})) {
    const e = portError(port);
    if (e) d.error(e, 'ports', name);
  }
  checkLabels(we.labels, d, ['labels']);
  if (we.locality !== undefined && we.locality !== '') {
    const parts = we.locality.split('/');
    if (parts.length > 3 || parts.some((p) => p === '')) {
      d.error(`locality "${we.locality}" must be region/zone/subzone with no empty parts`, 'locality');
    }
  }
}

export const workloadEntryKind = defineKind({
  group: NETWORKING_GROUP,
  kind: 'WorkloadEntry',
  plural: 'workloadentries',
  versions: NETWORKING_VERSIONS,
  body: 'spec',
  schema: workloadEntrySpec,
  validate: (spec, d) => validateWorkloadEntry(spec, d, { addressRequired: true }),
});
