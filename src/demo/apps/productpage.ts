// productpage: the page a user asks for. Calls details and reviews at once, through its sidecar,
// and shows both answers whole, so one curl shows every hop's version and headers.
import type { SampleApp } from '../sample-app.js';

export const productpage: SampleApp = {
  service: 'productpage',
  async handle(_req, path, mesh) {
    if (path !== '/productpage') return { status: 404, body: { error: `no route ${path}; try /productpage` } };
    const [details, reviews] = await Promise.all([mesh.call('details', '/details/0'), mesh.call('reviews', '/reviews/0')]);
    return { status: 200, body: { product: 'The Comedy of Errors', details, reviews } };
  },
};
