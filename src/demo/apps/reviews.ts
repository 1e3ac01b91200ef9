// reviews: two reviews of the book. v1 answers with the text alone; v2 (SERVICE_VERSION=v2) also
// asks ratings, through its sidecar, and adds each reviewer's stars, so a weighted split shows.
import type { CallResult, SampleApp } from '../sample-app.js';

const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
] as const;

function starsFrom(r: CallResult, reviewer: string): { stars: number; color: string } | { error: string } {
  const stars = (r.body as { ratings?: Record<string, number> } | undefined)?.ratings?.[reviewer];
  if (r.status === 200 && typeof stars === 'number') return { stars, color: 'black' };
  return { error: r.error ?? `ratings answered ${r.status}` };
}

export function reviews(version: string): SampleApp {
  return {
    service: 'reviews',
    async handle(_req, path, mesh) {
      const m = /^\/reviews\/(\d+)$/.exec(path);
      if (!m) return { status: 404, body: { error: `no route ${path}; try /reviews/0` } };
      const id = Number(m[1]);
      if (version === 'v1') return { status: 200, body: { id, reviews: REVIEWS } };
      const r = await mesh.call('ratings', `/ratings/${id}`);
      return {
        status: 200,
        body: { id, reviews: REVIEWS.map((rv) => ({ ...rv, rating: starsFrom(r, rv.reviewer) })), ratingsCall: r },
      };
    },
  };
}
