// The demo mesh's sample applications (Bookinfo, smaller): productpage, details, reviews v1/v2
// and ratings, each a plain Node HTTP server that imports nothing else of istio-ts. `main.ts`
// runs one of them; `src/bin/demo.ts` starts them beside their sidecars.
import { details } from './apps/details.js';
import { productpage } from './apps/productpage.js';
import { ratings } from './apps/ratings.js';
import { reviews } from './apps/reviews.js';
import type { SampleApp } from './sample-app.js';

/** Sample apps by name; the argument is the version (only reviews behaves differently per version). */
export const SAMPLE_APPS: Readonly<Record<string, (version: string) => SampleApp>> = {
  productpage: () => productpage,
  details: () => details,
  reviews,
  ratings: () => ratings,
};

export { listen, serve, workloadFromEnv, PROPAGATED_HEADERS, type SampleApp, type Workload } from './sample-app.js';
