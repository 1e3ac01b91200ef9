// WasmPlugin: a WebAssembly filter fetched from an OCI registry, a file or an HTTP(S) URL and
// inserted into the proxies' filter chains at a given phase and priority.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { anyJson, int32, message, z } from '../schema.js';
import { checkPolicyTarget, policyTargetReference, workloadSelector } from '../validation/policy-target.js';
import { portError } from '../validation/net.js';

export const EXTENSIONS_GROUP = 'extensions.istio.io';
export const EXTENSIONS_VERSIONS = ['v1alpha1'] as const;

export const PLUGIN_PHASES = ['UNSPECIFIED_PHASE', 'AUTHN', 'AUTHZ', 'STATS'] as const;
export const PULL_POLICIES = ['UNSPECIFIED_POLICY', 'IfNotPresent', 'Always'] as const;
export const FAIL_STRATEGIES = ['FAIL_CLOSE', 'FAIL_OPEN', 'FAIL_RELOAD'] as const;
export const PLUGIN_TYPES = ['UNSPECIFIED_PLUGIN_TYPE', 'HTTP', 'NETWORK'] as const;
const WORKLOAD_MODES = ['UNDEFINED', 'CLIENT', 'SERVER', 'CLIENT_AND_SERVER'] as const;

export const envVarSchema = message({
  name: z.string(),
  valueFrom: z.enum(['INLINE', 'HOST']).optional(),
  value: z.string().optional(),
});

export const wasmPluginSpec = message({
  selector: workloadSelector.optional(),
  targetRef: policyTargetReference.optional(),
  targetRefs: z.array(policyTargetReference).optional(),
  url: z.string(),
  sha256: z.string().optional(),
  imagePullPolicy: z.enum(PULL_POLICIES).optional(),
  imagePullSecret: z.string().optional(),
  verificationKey: z.string().optional(),
  pluginConfig: anyJson.optional(),
  pluginName: z.string().optional(),
  phase: z.enum(PLUGIN_PHASES).optional(),
  priority: int32.optional(),
  failStrategy: z.enum(FAIL_STRATEGIES).optional(),
  vmConfig: message({ env: z.array(envVarSchema).optional() }).optional(),
  match: z.array(message({
    mode: z.enum(WORKLOAD_MODES).optional(),
    ports: z.array(message({ number: z.int() })).optional(),
  })).optional(),
  type: z.enum(PLUGIN_TYPES).optional(),
});
export type WasmPluginSpec = z.infer<typeof wasmPluginSpec>;

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const SUPPORTED_SCHEMES = new Set(['oci', 'file', 'http', 'https']);

/** Reason a plugin URL is unusable; a URL without a scheme is an OCI image reference. */
export function wasmUrlError(url: string): string | undefined {
  if (url === '') return 'url field needs to be set';
  const m = SCHEME.exec(url);
  if (m && url.slice(m[0].length).startsWith('//')) {
    if (!SUPPORTED_SCHEMES.has(m[1].toLowerCase())) return `url contains unsupported scheme: ${m[1]}`;
    try {
      new URL(url);
    } catch {
      return `failed to parse url: ${url}`;
    }
    return undefined;
  }
  try {
    const u = new URL(`http://${url}`);
    if (u.hostname === '') return `failed to parse url: ${url}`;
  } catch {
    return `failed to parse url: ${url}`;
  }
  if (/\s/.test(url)) return `failed to parse url: ${url}`;
  return undefined;
}

export function validateWasmPlugin(spec: WasmPluginSpec, d: Diagnostics): void {
  checkPolicyTarget(spec, d);
  const urlErr = wasmUrlError(spec.url);
  if (urlErr) d.error(urlErr, 'url');
  if (spec.sha256 !== undefined && spec.sha256 !== '') {
    if (spec.sha256.length !== 64) d.error('sha256 field must be 64 characters long', 'sha256');
    else if (!/^[a-f0-9]{64}$/.test(spec.sha256)) d.error('sha256 field must match [a-f0-9]{64} pattern', 'sha256');
  }
  if ((spec.imagePullSecret?.length ?? 0) > 253) d.error('imagePullSecret field must be less than 253 characters long', 'imagePullSecret');
  if ((spec.pluginName?.length ?? 0) > 256) d.error('pluginName field must be less than 255 characters long', 'pluginName');
  const seen = new Set<string>();
  spec.vmConfig?.env?.forEach((env, i) => {
    const ed = d.at('vmConfig', 'env', i);
    if (env.name === '') ed.error('env name must not be empty', 'name');
    else if (env.name.length > 256) ed.error('env.name field must be less than 255 characters long', 'name');
    if (seen.has(env.name)) ed.error(`duplicate env ${env.name}`, 'name');
    seen.add(env.name);
    if ((env.valueFrom ?? 'INLINE') !== 'INLINE' && env.value) ed.error('value may only be set when valueFrom is INLINE', 'value');
  });
  spec.match?.forEach((sel, i) => {
    sel.ports?.forEach((p, j) => {
      if (portError(p.number)) d.error(`port is out of range: ${p.number}`, 'match', i, 'ports', j, 'number');
    });
  });
}

export const wasmPluginKind = defineKind({
  group: EXTENSIONS_GROUP,
  kind: 'WasmPlugin',
  plural: 'wasmplugins',
  versions: EXTENSIONS_VERSIONS,
  body: 'spec',
  schema: wasmPluginSpec,
  validate: (spec, d) => validateWasmPlugin(spec, d),
});
