// VirtualService's structural schema (Istio 1.30 field set), message by message.
import { boolValue, duration, int32, message, percentMessage, stringMap, uint32, z } from '../schema.js';
import { destination } from './destination.js';
import { headers } from './headers.js';
import { stringMatch } from './string-match.js';

export const httpMatchRequest = message({
  name: z.string().optional(),
  uri: stringMatch.optional(),
  scheme: stringMatch.optional(),
  method: stringMatch.optional(),
  authority: stringMatch.optional(),
  headers: z.record(z.string(), stringMatch).optional(),
  port: uint32.optional(),
  sourceLabels: stringMap.optional(),
  gateways: z.array(z.string()).optional(),
  queryParams: z.record(z.string(), stringMatch).optional(),
  ignoreUriCase: z.boolean().optional(),
  withoutHeaders: z.record(z.string(), stringMatch).optional(),
  sourceNamespace: z.string().optional(),
  statPrefix: z.string().optional(),
});
export type HTTPMatchRequest = z.infer<typeof httpMatchRequest>;

export const httpRouteDestination = message({
  destination,
  weight: int32.optional(),
  headers: headers.optional(),
});
export type HTTPRouteDestination = z.infer<typeof httpRouteDestination>;

export const routeDestination = message({ destination, weight: int32.optional() });
export type RouteDestination = z.infer<typeof routeDestination>;

export const httpRedirect = message({
  uri: z.string().optional(),
  authority: z.string().optional(),
  port: uint32.optional(),
  derivePort: z.enum(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
  scheme: z.string().optional(),
  redirectCode: uint32.optional(),
});
export type HTTPRedirect = z.infer<typeof httpRedirect>;

export const httpDirectResponse = message({
  status: uint32,
  body: message({ string: z.string().optional(), bytes: z.string().optional() }).optional(),
});
export type HTTPDirectResponse = z.infer<typeof httpDirectResponse>;

export const delegate = message({ name: z.string().optional(), namespace: z.string().optional() });
export type Delegate = z.infer<typeof delegate>;

export const regexRewrite = message({ match: z.string().optional(), rewrite: z.string().optional() });

export const httpRewrite = message({
  uri: z.string().optional(),
  authority: z.string().optional(),
  uriRegexRewrite: regexRewrite.optional(),
});
export type HTTPRewrite = z.infer<typeof httpRewrite>;

export const httpRetry = message({
  attempts: int32.optional(),
  perTryTimeout: duration.optional(),
  retryOn: z.string().optional(),
  retryRemoteLocalities: boolValue.optional(),
  retryIgnorePreviousHosts: boolValue.optional(),
  backoff: duration.optional(),
});
export type HTTPRetry = z.infer<typeof httpRetry>;

export const httpFaultInjection = message({
  delay: message({
    fixedDelay: duration.optional(),
    exponentialDelay: duration.optional(),
    percentage: percentMessage.optional(),
    percent: int32.optional(),
  }).optional(),
  abort: message({
    httpStatus: int32.optional(),
    grpcStatus: z.string().optional(),
    http2Error: z.string().optional(),
    percentage: percentMessage.optional(),
  }).optional(),
});
export type HTTPFaultInjection = z.infer<typeof httpFaultInjection>;

export const httpMirrorPolicy = message({ destination, percentage: percentMessage.optional() });
export type HTTPMirrorPolicy = z.infer<typeof httpMirrorPolicy>;

export const corsPolicy = message({
  allowOrigin: z.array(z.string()).optional(),
  allowOrigins: z.array(stringMatch).optional(),
  allowMethods: z.array(z.string()).optional(),
  allowHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAge: duration.optional(),
  allowCredentials: boolValue.optional(),
  unmatchedPreflights: z.enum(['UNSPECIFIED', 'FORWARD', 'IGNORE']).optional(),
});
export type CorsPolicy = z.infer<typeof corsPolicy>;

export const httpRoute = message({
  name: z.string().optional(),
  match: z.array(httpMatchRequest).optional(),
  route: z.array(httpRouteDestination).optional(),
  redirect: httpRedirect.optional(),
  directResponse: httpDirectResponse.optional(),
  delegate: delegate.optional(),
  rewrite: httpRewrite.optional(),
  timeout: duration.optional(),
  retries: httpRetry.optional(),
  fault: httpFaultInjection.optional(),
  mirror: destination.optional(),
  mirrors: z.array(httpMirrorPolicy).optional(),
  mirrorPercent: uint32.optional(),
  mirrorPercentage: percentMessage.optional(),
  corsPolicy: corsPolicy.optional(),
  headers: headers.optional(),
});
export type HTTPRoute = z.infer<typeof httpRoute>;

export const l4MatchAttributes = message({
  destinationSubnets: z.array(z.string()).optional(),
  port: uint32.optional(),
  sourceLabels: stringMap.optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type L4MatchAttributes = z.infer<typeof l4MatchAttributes>;

export const tlsMatchAttributes = message({
  sniHosts: z.array(z.string()).optional(),
  destinationSubnets: z.array(z.string()).optional(),
  port: uint32.optional(),
  sourceLabels: stringMap.optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type TLSMatchAttributes = z.infer<typeof tlsMatchAttributes>;

export const tcpRoute = message({ match: z.array(l4MatchAttributes).optional(), route: z.array(routeDestination).optional() });
export type TCPRoute = z.infer<typeof tcpRoute>;

export const tlsRoute = message({ match: z.array(tlsMatchAttributes).optional(), route: z.array(routeDestination).optional() });
export type TLSRoute = z.infer<typeof tlsRoute>;

export const virtualServiceSpec = message({
  hosts: z.array(z.string()).optional(),
  gateways: z.array(z.string()).optional(),
  http: z.array(httpRoute).optional(),
  tls: z.array(tlsRoute).optional(),
  tcp: z.array(tcpRoute).optional(),
  exportTo: z.array(z.string()).optional(),
});
export type VirtualServiceSpec = z.infer<typeof virtualServiceSpec>;
