// Served versions of security.istio.io kinds, newest stable first.
export const SECURITY_GROUP = 'security.istio.io';
export const SECURITY_VERSIONS = ['v1', 'v1beta1'] as const;
