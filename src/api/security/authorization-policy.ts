// AuthorizationPolicy: ALLOW / DENY / AUDIT / CUSTOM access control on workloads, with Istio's
// rules for sources, operations and `when` conditions.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { message, z } from '../schema.js';
import { checkPolicyTarget, policyTargetReference, workloadSelector } from '../validation/policy-target.js';
import { checkAttribute, checkIpList, checkPortList, pathWarnings, unsupportedPathTemplate } from './attributes.js';
import { SECURITY_GROUP, SECURITY_VERSIONS } from './versions.js';

const strings = z.array(z.string()).optional();

export const sourceSchema = message({
  principals: strings,
  notPrincipals: strings,
  requestPrincipals: strings,
  notRequestPrincipals: strings,
  namespaces: strings,
  notNamespaces: strings,
  serviceAccounts: strings,
  notServiceAccounts: strings,
  ipBlocks: strings,
  notIpBlocks: strings,
  remoteIpBlocks: strings,
  notRemoteIpBlocks: strings,
});
export type Source = z.infer<typeof sourceSchema>;

export const operationSchema = message({
  hosts: strings,
  notHosts: strings,
  ports: strings,
  notPorts: strings,
  methods: strings,
  notMethods: strings,
  paths: strings,
  notPaths: strings,
});
export type Operation = z.infer<typeof operationSchema>;

export const conditionSchema = message({ key: z.string(), values: strings, notValues: strings });
export type Condition = z.infer<typeof conditionSchema>;

export const ruleSchema = message({
  from: z.array(message({ source: sourceSchema.optional() })).optional(),
  to: z.array(message({ operation: operationSchema.optional() })).optional(),
  when: z.array(conditionSchema).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const AUTHZ_ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;
export type AuthorizationAction = (typeof AUTHZ_ACTIONS)[number];

export const authorizationPolicySpec = message({
  selector: workloadSelector.optional(),
  targetRef: policyTargetReference.optional(),
  targetRefs: z.array(policyTargetReference).optional(),
  rules: z.array(ruleSchema).optional(),
  action: z.enum(AUTHZ_ACTIONS).optional(),
  provider: message({ name: z.string().optional() }).optional(),
});
export type AuthorizationPolicySpec = z.infer<typeof authorizationPolicySpec>;

const SOURCE_FIELDS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks',
] as const;
/** Source fields a TCP (non-HTTP) filter chain can evaluate. */
const TCP_SOURCE_FIELDS = SOURCE_FIELDS.filter((f) => f !== 'requestPrincipals' && f !== 'notRequestPrincipals');
const OPERATION_FIELDS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
/** Source fields the ext_authz (CUSTOM) filter chain cannot match on. */
const CUSTOM_UNSUPPORTED_SOURCE = [
  'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'principals', 'notPrincipals',
  'requestPrincipals', 'notRequestPrincipals',
] as const;

const filled = (v: readonly string[] | undefined): boolean => (v?.length ?? 0) > 0;

function checkEmptyValues(values: readonly string[] | undefined, d: Diagnostics, field: string): void {
  values?.forEach((v, i) => {
    if (v === '') d.error(`empty value not allowed, found in ${field}`, field, i);
  });
}

function checkServiceAccounts(values: readonly string[] | undefined, d: Diagnostics, field: string): void {
  values?.forEach((v, i) => {
    const parts = v.split('/');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      d.error(`service account "${v}" must be in the form <namespace>/<name>`, field, i);
    }
  });
}

function validateSource(src: Source, d: Diagnostics, action: AuthorizationAction): void {
  if (SOURCE_FIELDS.every((f) => !filled(src[f]))) d.error('`from.source` must not be empty');
  const identity = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'] as const;
  if (identity.some((f) => filled(src[f])) && (filled(src.serviceAccounts) || filled(src.notServiceAccounts))) {
    d.error('cannot set serviceAccounts with namespaces or principals', filled(src.serviceAccounts) ? 'serviceAccounts' : 'notServiceAccounts');
  }
  for (const f of ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const) checkIpList(src[f], d, [f]);
  for (const f of SOURCE_FIELDS) {
    if (f === 'serviceAccounts' || f === 'notServiceAccounts') checkServiceAccounts(src[f], d, f);
    else checkEmptyValues(src[f], d, f);
  }
  if (action === 'CUSTOM') {
    for (const f of CUSTOM_UNSUPPORTED_SOURCE) {
      if (filled(src[f])) d.error(`From.${f[0].toUpperCase()}${f.slice(1)} is currently not supported with CUSTOM action`, f);
    }
  }
}

function validateOperation(op: Operation, d: Diagnostics): void {
  if (OPERATION_FIELDS.every((f) => !filled(op[f]))) d.error('`to.operation` must not be empty');
  checkPortList(op.ports, d, ['ports']);
  checkPortList(op.notPorts, d, ['notPorts']);
  for (const f of OPERATION_FIELDS) checkEmptyValues(op[f], d, f);
  for (const f of ['paths', 'notPaths'] as const) {
    op[f]?.forEach((p, i) => {
      if (p === '') return;
      if (unsupportedPathTemplate(p)) d.error(`invalid or unsupported path template, found in ${f}`, f, i);
      else for (const w of pathWarnings(p)) d.warning(w, f, i);
    });
  }
}

function validateCondition(c: Condition, d: Diagnostics, action: AuthorizationAction): void {
  if (c.key === '') {
    d.error('`key` must not be empty', 'key');
    return;
  }
  if (!filled(c.values) && !filled(c.notValues)) {
    d.error(`at least one of \`values\` or \`notValues\` must be set for key ${c.key}`);
  } else {
    checkAttribute(c.key, c, d);
  }
  const customUnsupported =
    c.key === 'source.namespace' || c.key === 'source.serviceAccount' || c.key === 'source.principal' || c.key.startsWith('request.auth.');
  if (action === 'CUSTOM' && customUnsupported) d.error(`${c.key} is currently not supported with CUSTOM action`, 'key');
}

export function validateAuthorizationPolicy(spec: AuthorizationPolicySpec, d: Diagnostics): void {
  checkPolicyTarget(spec, d);
  const action: AuthorizationAction = spec.action ?? 'ALLOW';
  if (action === 'CUSTOM') {
    if (spec.rules === undefined) {
      d.error('CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request', 'rules');
    } else if (!spec.provider?.name) {
      if (spec.provider) d.error('`provider.name` must not be empty', 'provider', 'name');
      else d.error('`provider.name` must not be empty', 'provider');
    }
  } else if (spec.provider !== undefined) {
    d.error(`\`provider\` must not be with non CUSTOM action, found ${action}`, 'provider');
  }
  if (action === 'DENY' && spec.rules === undefined) {
    d.error('DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request', 'rules');
  }
  spec.rules?.forEach((rule, i) => {
    const rd = d.at('rules', i);
    if (rule.from !== undefined && rule.from.length === 0) rd.error('`from` must not be empty', 'from');
    if (rule.to !== undefined && rule.to.length === 0) rd.error('`to` must not be empty', 'to');
    let tcpInFrom = false;
    let tcpInTo = false;
    const hasFrom = rule.from?.some((f) => f.source !== undefined) ?? false;
    const hasTo = rule.to?.some((t) => t.operation !== undefined) ?? false;
    rule.from?.forEach((f, j) => {
      if (!f.source) {
        rd.error('`from.source` must not be nil', 'from', j, 'source');
        return;
      }
      if (TCP_SOURCE_FIELDS.some((k) => f.source?.[k] !== undefined)) tcpInFrom = true;
      validateSource(f.source, rd.at('from', j, 'source'), action);
    });
    rule.to?.forEach((t, j) => {
      if (!t.operation) {
        rd.error('`to.operation` must not be nil', 'to', j, 'operation');
        return;
      }
      if (t.operation.ports !== undefined || t.operation.notPorts !== undefined) tcpInTo = true;
      validateOperation(t.operation, rd.at('to', j, 'operation'));
    });
    rule.when?.forEach((c, j) => validateCondition(c, rd.at('when', j), action));
    // A DENY rule of HTTP-only attributes cannot be evaluated on plain TCP, so Istio denies every
    // TCP connection in scope instead: worth a warning.
    if (action === 'DENY' && ((hasFrom && !hasTo && !tcpInFrom) || (hasTo && !tcpInTo))) {
      rd.warning(
        'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port',
      );
    }
  });
}

export const authorizationPolicyKind = defineKind({
  group: SECURITY_GROUP,
  kind: 'AuthorizationPolicy',
  plural: 'authorizationpolicies',
  versions: SECURITY_VERSIONS,
  body: 'spec',
  schema: authorizationPolicySpec,
  validate: (spec, d, ctx) => {
    validateAuthorizationPolicy(spec, d);
    checkDryRun(spec, ctx.meta.annotations, d);
  },
});

/** `istio.io/dry-run` is honoured for ALLOW and DENY only and must be a boolean. */
function checkDryRun(spec: AuthorizationPolicySpec, annotations: Readonly<Record<string, string>>, d: Diagnostics): void {
  const v = annotations['istio.io/dry-run'];
  if (v === undefined) return;
  const action = spec.action ?? 'ALLOW';
  if (action !== 'ALLOW' && action !== 'DENY') {
    d.error(`the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action ${action}`, 'action');
  } else if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(v)) {
    d.error(`annotation istio.io/dry-run has invalid value (${v}): must be a boolean`);
  }
}
