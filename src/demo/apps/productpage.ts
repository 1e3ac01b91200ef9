// productpage: the page a user asks for, plus Bookinfo's small JSON API. It calls details and
// reviews through its sidecar, so the reviews VirtualService (a mesh route, applied by this
// sidecar) decides which reviews version answers. Every answer includes the callees' whole
// replies, so one curl shows each hop's version and the headers it saw.
import type { CallResult, SampleApp } from '../sample-app.js';

const PRODUCT = { id: 0, title: 'The Comedy of Errors', descriptionHtml: 'A comedy by William Shakespeare.' } as const;

function version(r: CallResult): string {
  const b = r.body as { version?: string; ratingsCall?: CallResult } | undefined;
  if (r.status !== 200 || !b?.version) return `error (${r.error ?? r.status})`;
  const ratings = (b.ratingsCall?.body as { version?: string } | undefined)?.version;
  return ratings ? `${b.version} → ratings ${ratings}` : b.version;
}

export const productpage: SampleApp = {
  service: 'productpage',
  async handle(_req, path, mesh) {
    if (path === '/productpage') {
      const [details, reviews] = await Promise.all([mesh.call('details', '/details/0'), mesh.call('reviews', '/reviews/0')]);
      return {
        status: 200,
        body: { versions: `details ${version(details)}; reviews ${version(reviews)}`, product: PRODUCT.title, details, reviews },
      };
    }
    if (path === '/api/v1/products') return { status: 200, body: { products: [PRODUCT], try: ['/api/v1/products/0', '/api/v1/products/0/reviews', '/api/v1/products/0/ratings'] } };
    const m = /^\/api\/v1\/products\/(\d+)(?:\/(reviews|ratings))?$/.exec(path);
    if (!m) return { status: 404, body: { error: `no route ${path}; try /productpage or /api/v1/products` } };
    const service = m[2] ?? 'details';
    const r = await mesh.call(service, `/${service}/${m[1]}`);
    return { status: r.status === 0 ? 503 : r.status, body: { versions: `${service} ${version(r)}`, [service]: r } };
  },
};
