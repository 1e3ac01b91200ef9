// Secret (v1): the mesh reads TLS material (kubernetes.io/tls, or generic with cert/key/cacert)
// for gateways and DestinationRules. data must be base64; keys follow Kubernetes' key rule.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, stringMap, z } from '../schema.js';
import { checkConfigKey } from './common.js';

export const secretBody = message({
  type: z.string().optional(),
  data: stringMap.optional(),
  stringData: stringMap.optional(),
  immutable: z.boolean().optional(),
});
export type SecretBody = z.infer<typeof secretBody>;

/** Keys each built-in Secret type must carry (in data or stringData). */
const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isBase64(s: string): boolean {
  return BASE64.test(s.replace(/\s+/g, ''));
}

/** Secret data as bytes (stringData wins over data, as the API server merges them). */
export function secretData(body: SecretBody): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(body.data ?? {})) out[k] = Buffer.from(v, 'base64');
  for (const [k, v] of Object.entries(body.stringData ?? {})) out[k] = Buffer.from(v, 'utf8');
  return out;
}

export function validateSecret(body: SecretBody, d: Diagnostics): void {
  for (const [k, v] of Object.entries(body.data ?? {})) {
    checkConfigKey(k, d, ['data', k]);
    if (!isBase64(v)) d.error('illegal base64 data', 'data', k);
  }
  for (const k of Object.keys(body.stringData ?? {})) checkConfigKey(k, d, ['stringData', k]);
  const type = body.type ?? 'Opaque';
  const present = new Set([...Object.keys(body.data ?? {}), ...Object.keys(body.stringData ?? {})]);
  for (const key of REQUIRED_KEYS[type] ?? []) {
    if (!present.has(key)) d.error(`Required value: a ${type} Secret must contain "${key}"`, 'data');
  }
  if (type === 'kubernetes.io/basic-auth' && !present.has('username') && !present.has('password')) {
    d.error('Required value: a kubernetes.io/basic-auth Secret must contain "username" or "password"', 'data');
  }
}

export const secretKind = defineKind({
  group: '',
  kind: 'Secret',
  plural: 'secrets',
  versions: ['v1'],
  body: 'root',
  schema: secretBody,
  validate: (body, d) => validateSecret(body, d),
});
