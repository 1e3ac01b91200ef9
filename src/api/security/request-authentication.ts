// RequestAuthentication: which JWTs a workload accepts (issuer, keys, where the token is found)
// and what is forwarded from a valid one.
import type { Diagnostics } from '../diagnostics.js';
import { defineKind } from '../kind.js';
import { duration, message, z } from '../schema.js';
import { checkDuration } from '../validation/common.js';
import { checkPolicyTarget, policyTargetReference, workloadSelector } from '../validation/policy-target.js';
import { SECURITY_GROUP, SECURITY_VERSIONS } from './versions.js';

export const jwtHeaderSchema = message({ name: z.string(), prefix: z.string().optional() });

export const claimToHeaderSchema = message({ header: z.string().optional(), claim: z.string().optional() });

export const jwtRuleSchema = message({
  issuer: z.string().optional(),
  audiences: z.array(z.string()).optional(),
  jwksUri: z.string().optional(),
  jwks: z.string().optional(),
  fromHeaders: z.array(jwtHeaderSchema).optional(),
  fromParams: z.array(z.string()).optional(),
  fromCookies: z.array(z.string()).optional(),
  outputPayloadToHeader: z.string().optional(),
  forwardOriginalToken: z.boolean().optional(),
  outputClaimToHeaders: z.array(claimToHeaderSchema).optional(),
  timeout: duration.optional(),
});
export type JwtRule = z.infer<typeof jwtRuleSchema>;

export const requestAuthenticationSpec = message({
  selector: workloadSelector.optional(),
  targetRef: policyTargetReference.optional(),
  targetRefs: z.array(policyTargetReference).optional(),
  jwtRules: z.array(jwtRuleSchema).optional(),
});
export type RequestAuthenticationSpec = z.infer<typeof requestAuthenticationSpec>;

const HEADER_NAME = /^[-_A-Za-z0-9]+$/;

/** Reason a jwksUri is unusable: Istio fetches keys over http or https only. */
export function jwksUriError(uri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return `invalid jwksUri "${uri}": not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `URI scheme "${u.protocol.slice(0, -1)}" is not supported`;
  if (u.hostname === '') return `invalid jwksUri "${uri}": no host`;
  return undefined;
}

/** Reason an inline JWKS cannot be used: it must be a JSON JWK or JWK Set whose keys name a `kty`. */
export function jwksError(jwks: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(jwks);
  } catch (e) {
    return `jwks parse error: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'jwks parse error: not a JSON object';
  const obj = doc as Record<string, unknown>;
  const keys = 'keys' in obj ? obj.keys : [obj];
  if (!Array.isArray(keys)) return 'jwks parse error: "keys" must be an array';
  for (const k of keys) {
    if (k === null || typeof k !== 'object' || typeof (k as Record<string, unknown>).kty !== 'string') {
      return 'jwks parse error: every key must be an object with a "kty"';
    }
  }
  return undefined;
}

function validateJwtRule(rule: JwtRule, d: Diagnostics): void {
  if (!rule.issuer && !rule.jwksUri) d.error('issuer or jwksUri must be non-empty string', 'issuer');
  rule.audiences?.forEach((a, i) => {
    if (a === '') d.error('audience must be non-empty string', 'audiences', i);
  });
  if (rule.jwksUri) {
    const e = jwksUriError(rule.jwksUri);
    if (e) d.error(e, 'jwksUri');
  }
  if (rule.jwks) {
    const e = jwksError(rule.jwks);
    if (e) d.error(e, 'jwks');
    if (rule.jwksUri) d.warning('only one of jwksUri and jwks should be set; the inline jwks is used', 'jwks');
  }
  rule.fromHeaders?.forEach((h, i) => {
    if (h.name === '') d.error('location header name must be non-empty string', 'fromHeaders', i, 'name');
  });
  rule.fromParams?.forEach((p, i) => {
    if (p === '') d.error('location query must be non-empty string', 'fromParams', i);
  });
  rule.fromCookies?.forEach((c, i) => {
    if (c === '') d.error('cookie name must be non-empty string', 'fromCookies', i);
  });
  rule.outputClaimToHeaders?.forEach((c, i) => {
    if (!c.claim || !c.header) {
      d.error('outputClaimToHeaders header and claim value must be non-empty string', 'outputClaimToHeaders', i, c.header ? 'claim' : 'header');
    } else if (!HEADER_NAME.test(c.header)) {
      d.error(`header name ${c.header} is not a valid header name`, 'outputClaimToHeaders', i, 'header');
    }
  });
  checkDuration(rule.timeout, d, ['timeout']);
}

export function validateRequestAuthentication(spec: RequestAuthenticationSpec, d: Diagnostics): void {
  checkPolicyTarget(spec, d);
  spec.jwtRules?.forEach((r, i) => validateJwtRule(r, d.at('jwtRules', i)));
}

export const requestAuthenticationKind = defineKind({
  group: SECURITY_GROUP,
  kind: 'RequestAuthentication',
  plural: 'requestauthentications',
  versions: SECURITY_VERSIONS,
  body: 'spec',
  schema: requestAuthenticationSpec,
  validate: (spec, d) => validateRequestAuthentication(spec, d),
});
