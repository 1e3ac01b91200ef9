import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clock.js';
import { Debouncer } from './debounce.js';
import { pushRequest, type PushRequest } from './push-request.js';

function setup(opts = { quietMs: 100, maxMs: 10_000, debounceEds: true }) {
  const clock = new ManualClock();
  const flushed: Array<{ at: number; req: PushRequest<string> }> = [];
  let hold: (() => void) | undefined;
  let holdNext = false;
  const d = new Debouncer<string>(clock, (req) => {
    flushed.push({ at: clock.now(), req });
    if (holdNext) return new Promise<void>((r) => { hold = r; });
  }, opts);
  const ev = (reason: 'config' | 'endpoint', full = reason === 'config', cfg?: string) =>
    d.push(pushRequest({ full, reason, start: clock.now(), configsUpdated: cfg ? [cfg] : [] }));
  return { clock, flushed, d, ev, holdFlush: () => { holdNext = true; }, release: () => { holdNext = false; hold?.(); } };
}

test('one event is pushed after the quiet period', () => {
  const { clock, flushed, ev } = setup();
  ev('config', true, 'VirtualService/ns/a');
  clock.advance(99);
  assert.equal(flushed.length, 0);
  clock.advance(1);
  assert.equal(flushed.length, 1);
  assert.equal(flushed[0].at, 100);
  assert.deepEqual([...flushed[0].req.configsUpdated], ['VirtualService/ns/a']);
});

test('a burst is merged and pushed 100 ms after the last event', () => {
  const { clock, flushed, ev } = setup();
  ev('config', true, 'A/ns/a');
  clock.advance(60);
  ev('endpoint', false, 'B/ns/b');
  clock.advance(60);
  ev('config', true, 'C/ns/c');
  clock.advance(99);
  assert.equal(flushed.length, 0);
  clock.advance(1);
  assert.equal(flushed.length, 1);
  assert.equal(flushed[0].at, 220);
  assert.equal(flushed[0].req.full, true);
  assert.deepEqual([...flushed[0].req.reason], [['config', 2], ['endpoint', 1]]);
  assert.equal(flushed[0].req.configsUpdated.size, 3);
});

test('a steady stream of events is pushed at the latest after the max delay', () => {
  const { clock, flushed, ev } = setup({ quietMs: 100, maxMs: 1000, debounceEds: true });
  for (let t = 0; t < 1500; t += 50) {
    ev('endpoint', false);
    clock.advance(50);
  }
  assert.equal(flushed[0].at, 1000);
  assert.equal(flushed[0].req.reason.get('endpoint'), 20);
});

test('events during an in-flight push wait for it, then get a fresh quiet period', async () => {
  const { clock, flushed, ev, holdFlush, release } = setup();
  holdFlush();
  ev('config');
  clock.advance(100);
  assert.equal(flushed.length, 1);
  ev('config', true, 'X/ns/x');
  clock.advance(500);
  assert.equal(flushed.length, 1, 'no second push while the first is in flight');
  release();
  await new Promise((r) => setImmediate(r));
  clock.advance(99);
  assert.equal(flushed.length, 1);
  clock.advance(1);
  assert.equal(flushed.length, 2);
  assert.deepEqual([...flushed[1].req.configsUpdated], ['X/ns/x']);
});

test('EDS-only requests bypass debouncing when EDS debounce is off', () => {
  const { flushed, ev } = setup({ quietMs: 100, maxMs: 10_000, debounceEds: false });
  ev('endpoint', false);
  assert.equal(flushed.length, 1);
  assert.equal(flushed[0].at, 0);
});

test('close drops pending events and ignores later ones', () => {
  const { clock, flushed, ev, d } = setup();
  ev('config');
  d.close();
  ev('config');
  clock.advance(20_000);
  assert.equal(flushed.length, 0);
  assert.equal(clock.pendingTimers(), 0);
});
