// ConfigMap (v1): the mesh reads `istio` (mesh config under `mesh`, networks under
// `meshNetworks`) and root-certificate ConfigMaps. data is text; binaryData is base64.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, stringMap, z } from '../schema.js';
import { checkConfigKey } from './common.js';
import { isBase64 } from './secret.js';

export const configMapBody = message({
  data: stringMap.optional(),
  binaryData: stringMap.optional(),
  immutable: z.boolean().optional(),
});
export type ConfigMapBody = z.infer<typeof configMapBody>;

export function validateConfigMap(body: ConfigMapBody, d: Diagnostics): void {
  for (const k of Object.keys(body.data ?? {})) checkConfigKey(k, d, ['data', k]);
  for (const [k, v] of Object.entries(body.binaryData ?? {})) {
    checkConfigKey(k, d, ['binaryData', k]);
    if (!isBase64(v)) d.error('illegal base64 data', 'binaryData', k);
    if (body.data && k in body.data) d.error(`Invalid value: "${k}": duplicate of key present in data`, 'binaryData', k);
  }
}

export const configMapKind = defineKind({
  group: '',
  kind: 'ConfigMap',
  plural: 'configmaps',
  versions: ['v1'],
  body: 'root',
  schema: configMapBody,
  validate: (body, d) => validateConfigMap(body, d),
});
