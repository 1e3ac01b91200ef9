// details: facts about the book. Calls nothing.
import type { SampleApp } from '../sample-app.js';

const BOOK = {
  author: 'William Shakespeare', year: 1595, type: 'paperback', pages: 200,
  publisher: 'PublisherA', language: 'English', ISBN10: '1234567890', ISBN13: '123-1234567890',
} as const;

export const details: SampleApp = {
  service: 'details',
  handle(_req, path) {
    const m = /^\/details\/(\d+)$/.exec(path);
    if (!m) return Promise.resolve({ status: 404, body: { error: `no route ${path}; try /details/0` } });
    return Promise.resolve({ status: 200, body: { id: Number(m[1]), ...BOOK } });
  },
};
