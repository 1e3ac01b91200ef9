// Istio's analysis message types (istio.io "Configuration Analysis Messages"): code, name, level
// and template. Codes are stable and documented, so users' suppressions and CI greps carry over.
// Retired codes (IST0104 GatewayPortNotOnWorkload, IST0105, ...) are absent, as in Istio 1.30:
// istioctl warns that `-S` with one of them has no effect.
import { goSprintf } from './go-format.js';

export type Level = 'Error' | 'Warning' | 'Info';

/** Most severe first, as istioctl sorts and thresholds them. */
export const LEVELS: readonly Level[] = ['Error', 'Warning', 'Info'];

export function levelRank(l: Level): number {
  return LEVELS.indexOf(l);
}

/** `error`, `WARNING`... → Level; istioctl's threshold flags are case-insensitive. */
export function parseLevel(s: string): Level | undefined {
  return LEVELS.find((l) => l.toLowerCase() === s.toLowerCase());
}

export interface MessageType {
  readonly code: string;
  readonly name: string;
  readonly level: Level;
  readonly template: string;
}

function t(code: string, name: string, level: Level, template: string): MessageType {
  return { code, name, level, template };
}

export const MSG = {
  InternalError: t('IST0001', 'InternalError', 'Error', 'Internal error: %v'),
  Deprecated: t('IST0002', 'Deprecated', 'Warning', 'Deprecated: %s'),
  ReferencedResourceNotFound: t('IST0101', 'ReferencedResourceNotFound', 'Error', 'Referenced %s not found: %q'),
  NamespaceNotInjected: t(
    'IST0102',
    'NamespaceNotInjected',
    'Info',
    "The namespace is not enabled for Istio injection. Run 'kubectl label namespace %s istio-injection=enabled' to enable it, or 'kubectl label namespace %s istio-injection=disabled' to explicitly mark it as not needing injection.",
  ),
  SchemaValidationError: t('IST0106', 'SchemaValidationError', 'Error', 'Schema validation error: %v'),
  MisplacedAnnotation: t('IST0107', 'MisplacedAnnotation', 'Warning', 'Misplaced annotation: %s can only be applied to %s'),
  UnknownAnnotation: t('IST0108', 'UnknownAnnotation', 'Warning', 'Unknown annotation: %s'),
  ConflictingMeshGatewayVirtualServiceHosts: t(
    'IST0109',
    'ConflictingMeshGatewayVirtualServiceHosts',
    'Error',
    'The VirtualServices %s associated with mesh gateway define the same host %s which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
  ),
  VirtualServiceDestinationPortSelectorRequired: t(
    'IST0112',
    'VirtualServiceDestinationPortSelectorRequired',
    'Error',
    'This VirtualService routes to a service %q that exposes multiple ports %v. Specifying a port in the destination is required to disambiguate.',
  ),
  PortNameIsNotUnderNamingConvention: t(
    'IST0118',
    'PortNameIsNotUnderNamingConvention',
    'Info',
    "Port name %s (port: %d, targetPort: %s) doesn't follow the naming convention of Istio port.",
  ),
  NamespaceMultipleInjectionLabels: t(
    'IST0123',
    'NamespaceMultipleInjectionLabels',
    'Warning',
    'The namespace has more than one type of injection labels %v, which may lead to undefined behavior. Make sure only one injection label exists.',
  ),
  NoMatchingWorkloadsFound: t('IST0127', 'NoMatchingWorkloadsFound', 'Warning', 'No matching workloads for this resource with the following labels: %s'),
  NoServerCertificateVerificationDestinationLevel: t(
    'IST0128',
    'NoServerCertificateVerificationDestinationLevel',
    'Warning',
    'DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s',
  ),
  NoServerCertificateVerificationPortLevel: t(
    'IST0129',
    'NoServerCertificateVerificationPortLevel',
    'Warning',
    'DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s at port %s',
  ),
  VirtualServiceUnreachableRule: t('IST0130', 'VirtualServiceUnreachableRule', 'Warning', 'VirtualService rule %v not used (%s).'),
  VirtualServiceIneffectiveMatch: t(
    'IST0131',
    'VirtualServiceIneffectiveMatch',
    'Info',
    'VirtualService rule %v match %v is not used (duplicate/overlapping match in rule %v).',
  ),
  VirtualServiceHostNotFoundInGateway: t(
    'IST0132',
    'VirtualServiceHostNotFoundInGateway',
    'Warning',
    'one or more host %v defined in VirtualService %s not found in Gateway %s.',
  ),
  SchemaWarning: t('IST0133', 'SchemaWarning', 'Warning', 'Schema validation warning: %v'),
  ConflictingGateways: t('IST0145', 'ConflictingGateways', 'Error', 'Conflict with gateways %s (workload selector %s, port %s, hosts %v).'),
  GatewayPortNotDefinedOnService: t(
    'IST0162',
    'GatewayPortNotDefinedOnService',
    'Warning',
    'The gateway is listening on a target port (port %d) that is not defined in the Service associated with its workload instances (Pod selector %s). If you need to access the gateway port through the gateway Service, it will not be available.',
  ),
  DestinationRuleSubsetNotSelectPods: t(
    'IST0173',
    'DestinationRuleSubsetNotSelectPods',
    'Error',
    'The Subset %s defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
  ),
  UnknownDestinationRuleHost: t('IST0174', 'UnknownDestinationRuleHost', 'Warning', 'The host %s defined in the DestinationRule does not match any services in the mesh.'),
} as const satisfies Record<string, MessageType>;

export const ALL_MESSAGE_TYPES: readonly MessageType[] = Object.values(MSG);

export function messageTypeByCode(code: string): MessageType | undefined {
  return ALL_MESSAGE_TYPES.find((m) => m.code === code);
}

export function formatTemplate(type: MessageType, params: readonly unknown[]): string {
  return goSprintf(type.template, params);
}
