// ratings: stars per reviewer. Calls nothing.
import type { SampleApp } from '../sample-app.js';

export const ratings: SampleApp = {
  service: 'ratings',
  handle(_req, path) {
    const m = /^\/ratings\/(\d+)$/.exec(path);
    if (!m) return Promise.resolve({ status: 404, body: { error: `no route ${path}; try /ratings/0` } });
    return Promise.resolve({ status: 200, body: { id: Number(m[1]), ratings: { Reviewer1: 5, Reviewer2: 4 } } });
  },
};
