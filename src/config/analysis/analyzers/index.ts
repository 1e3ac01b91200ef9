// Every analyzer `istioctl analyze` runs, in Istio's order of concern: references, conflicts,
// then hygiene.
import type { Analyzer } from '../analyzer.js';
import { annotationsAnalyzer } from './annotations.js';
import { conflictingGatewayAnalyzer } from './conflicting-gateways.js';
import { conflictingMeshGatewayHostsAnalyzer } from './conflicting-mesh-gateway-hosts.js';
import { caCertificatesAnalyzer } from './destinationrule-ca-certificates.js';
import { destinationHostAnalyzer } from './destination-hosts.js';
import { destinationSubsetAnalyzer } from './destination-subsets.js';
import { subsetSelectPodAnalyzer } from './destinationrule-subset-pods.js';
import { gatewayPortAnalyzer } from './gateway-ports.js';
import { namespaceInjectionAnalyzer } from './namespace-injection.js';
import { portNameAnalyzer } from './service-port-names.js';
import { virtualServiceGatewayAnalyzer } from './virtualservice-gateways.js';
import { virtualServiceMatchesAnalyzer } from './virtualservice-matches.js';
import { authorizationPoliciesAnalyzer, sidecarSelectorAnalyzer } from './workload-selectors.js';

export {
  annotationsAnalyzer,
  authorizationPoliciesAnalyzer,
  caCertificatesAnalyzer,
  conflictingGatewayAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  destinationHostAnalyzer,
  destinationSubsetAnalyzer,
  gatewayPortAnalyzer,
  namespaceInjectionAnalyzer,
  portNameAnalyzer,
  sidecarSelectorAnalyzer,
  subsetSelectPodAnalyzer,
  virtualServiceGatewayAnalyzer,
  virtualServiceMatchesAnalyzer,
};

export const ALL_ANALYZERS: readonly Analyzer[] = [
  destinationHostAnalyzer,
  destinationSubsetAnalyzer,
  virtualServiceGatewayAnalyzer,
  subsetSelectPodAnalyzer,
  gatewayPortAnalyzer,
  sidecarSelectorAnalyzer,
  authorizationPoliciesAnalyzer,
  conflictingMeshGatewayHostsAnalyzer,
  conflictingGatewayAnalyzer,
  virtualServiceMatchesAnalyzer,
  caCertificatesAnalyzer,
  namespaceInjectionAnalyzer,
  annotationsAnalyzer,
  portNameAnalyzer,
];
