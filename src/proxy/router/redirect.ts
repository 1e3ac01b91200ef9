// Builds the Location of a redirect route: each part (scheme, host, port, path, query) is taken
// from the redirect when given and from the request otherwise. A scheme change drops the
// request's port, since it belonged to the old scheme.
import type { RedirectAction, RedirectResponseCode } from '../config/types.js';

const CODES: Record<RedirectResponseCode, number> = {
  MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308,
};

export function redirectStatus(r: RedirectAction): number {
  return CODES[r.responseCode ?? 'MOVED_PERMANENTLY'];
}

function splitHostPort(authority: string): [string, string | undefined] {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    const rest = authority.slice(end + 1);
    return [authority.slice(0, end + 1), rest.startsWith(':') ? rest.slice(1) : undefined];
  }
  const c = authority.lastIndexOf(':');
  return c < 0 ? [authority, undefined] : [authority.slice(0, c), authority.slice(c + 1)];
}

export function redirectLocation(
  r: RedirectAction, scheme: string, authority: string, path: string, query: string, matchedPrefix: string | undefined,
): string {
  const newScheme = r.httpsRedirect === true ? 'https' : r.schemeRedirect ?? scheme;
  let [host, port] = splitHostPort(authority);
  if (r.hostRedirect !== undefined) {
    const [h, p] = splitHostPort(r.hostRedirect);
    host = h;
    port = p;
  }
  if (r.portRedirect !== undefined) port = String(r.portRedirect);
  else if (newScheme !== scheme) port = undefined;
  if ((newScheme === 'http' && port === '80') || (newScheme === 'https' && port === '443')) port = undefined;
  let newPath = path;
  let newQuery = query;
  if (r.pathRedirect !== undefined) {
    const q = r.pathRedirect.indexOf('?');
    if (q >= 0) {
      newPath = r.pathRedirect.slice(0, q);
      newQuery = r.pathRedirect.slice(q);
    } else {
      newPath = r.pathRedirect;
    }
  } else if (r.prefixRewrite !== undefined && matchedPrefix !== undefined) {
    newPath = r.prefixRewrite + path.slice(matchedPrefix.length);
  }
  if (r.stripQuery === true) newQuery = '';
  return `${newScheme}://${host}${port === undefined ? '' : `:${port}`}${newPath}${newQuery}`;
}
