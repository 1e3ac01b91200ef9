// Kubernetes and DNS name rules, with the reasons Kubernetes gives when one is broken.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Reason `s` is not a DNS-1123 label, or undefined. */
export function dns1123LabelError(s: string): string | undefined {
  if (s.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(s)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** Reason `s` is not a DNS-1123 subdomain, or undefined. */
export function dns1123SubdomainError(s: string): string | undefined {
  if (s.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(s)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** A label or annotation key: `[prefix/]name`. */
export function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') return 'prefix part must be non-empty';
    const p = dns1123SubdomainError(parts[0]);
    if (p) return `prefix part ${p}`;
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME_PART.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function labelValueError(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(v)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/**
 * A DNS name as Istio accepts it in `hosts`: labels of letters, digits and '-', optionally a
 * leading `*` (alone or as `*.`) when wildcards are allowed. Returns the reason it is not.
 */
export function hostnameError(host: string, allowWildcard = true): string | undefined {
  if (host === '') return 'domain name is empty';
  if (host.length > 255) return 'domain name too long (max 255)';
  let rest = host;
  if (allowWildcard && rest === '*') return undefined;
  if (allowWildcard && rest.startsWith('*')) {
    rest = rest.slice(1);
    if (rest.startsWith('.')) rest = rest.slice(1);
    else if (rest !== '') {
      // "*foo.com" is a suffix wildcard Istio accepts in some places; treat remaining as labels.
    }
  }
  if (rest.endsWith('.')) rest = rest.slice(0, -1);
  for (const label of rest.split('.')) {
    if (label.length === 0) return `domain name "${host}" invalid (label is empty)`;
    if (label.length > 63) return `domain name "${host}" invalid (label "${label}" too long)`;
    if (!/^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/.test(label)) {
      return `domain name "${host}" invalid (label "${label}" invalid)`;
    }
  }
  return undefined;
}

// Istio's labels package accepts upper case in DNS labels (host names are case-insensitive).
const ISTIO_DNS_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;
const ISTIO_WILDCARD_LABEL = /^(\*|(\*|\*-)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)$/;

function domainPreconditionError(name: string): string | undefined {
  if (name.length > 255) return `domain name "${name}" too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function domainLabelsError(domain: string, whole: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1];
  if (/^\d+$/.test(tld)) return `domain name "${whole}" invalid (top level domain "${tld}" cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i];
    // A trailing dot ("istio.io.") names the root unambiguously.
    if (i === parts.length - 1 && label === '') return undefined;
    if (label.length > 63 || !ISTIO_DNS_LABEL.test(label)) return `domain name "${whole}" invalid (label "${label}" invalid)`;
  }
  return undefined;
}

/** Istio's ValidateFQDN: DNS labels, no wildcard, top-level label not all digits. */
export function fqdnError(name: string): string | undefined {
  return domainPreconditionError(name) ?? domainLabelsError(name, name);
}

/**
 * Istio's ValidateWildcardDomain: an FQDN whose first label may be `*`, `*suffix` or `*-suffix`
 * (`*.example.com`, `*foo.example.com`, `*`).
 */
export function wildcardDomainError(name: string): string | undefined {
  const pre = domainPreconditionError(name);
  if (pre) return pre;
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  if (first.length > 63 || !ISTIO_WILDCARD_LABEL.test(first)) return `domain name "${name}" invalid (label "${first}" invalid)`;
  if (dot < 0) return undefined;
  return domainLabelsError(name.slice(dot + 1), name);
}

/** Istio's labels.IsDNS1123Label (upper case allowed). */
export function isIstioDnsLabel(s: string): boolean {
  return s.length <= 63 && ISTIO_DNS_LABEL.test(s);
}
