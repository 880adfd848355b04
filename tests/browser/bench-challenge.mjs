// The proof of work of the hold step, measured in headless Chromium (issue 12): how long the
// wizard's solver (static-site/src/assets/js/challenge.js, altcha-lib's v1 solver in Web Workers)
// takes on challenges issued by the real server, with its default work or PRENOTA_CHALLENGE_WORK.
// Not a test: run by tests/bench-challenge, figures recorded in docs/benchmarks.md.
//
//   PRENOTA_SERVER_BIN=target/release/prenota node tests/browser/bench-challenge.mjs
//   env: BENCH_RUNS (challenges per mode, default 30), PRENOTA_CHALLENGE_WORK (the server's work)
//
// Modes: the wizard as shipped (one worker per core, at most 4), one worker, the main thread; then
// CDP's Emulation.setCPUThrottlingRate 4× to approximate a cheap phone. Chromium applies that
// throttling to the page's main thread only ("Operation is only supported for pages, not workers"
// for a worker target), so the main thread at 4× stands for one worker on a phone four times
// slower; the workers at 4× are shown for the record. Each challenge's number is random in
// 0..=maxnumber, so a solve's time is mostly luck: the median over many is what a citizen sees.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { launch, newContext } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 30);
const env = { PRENOTA_CHALLENGE_ABOVE: '0' };
if (process.env.PRENOTA_CHALLENGE_WORK) env.PRENOTA_CHALLENGE_WORK = process.env.PRENOTA_CHALLENGE_WORK;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
const ms = (value) => Math.round(value).toLocaleString('en');

async function challengeFrom(server) {
  const response = await fetch(`${server.url}/api/challenge`);
  assert.equal(response.status, 200);
  return response.json();
}

/** Solves `challenge` in the page with the wizard's solver; the time is the page's own clock. */
function solveInPage(page, challenge, workers) {
  return page.evaluate(async ([c, w]) => {
    const solver = await import('/assets/js/challenge.js');
    const started = performance.now();
    const solution = await solver.solve(c, { workers: w ?? solver.defaultWorkers() });
    return { number: solution.number, ms: performance.now() - started, altcha: solver.payload(c, solution) };
  }, [challenge, workers]);
}

async function measure(server, page, cdp, { workers, rate }) {
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await solveInPage(page, await challengeFrom(server), workers); // warm: the modules are cached
  const runs = [];
  for (let i = 0; i < RUNS; i += 1) {
    const challenge = await challengeFrom(server);
    const run = await solveInPage(page, challenge, workers);
    assert.equal(createHash('sha256').update(challenge.salt + run.number).digest('hex'), challenge.challenge);
    runs.push({ ...run, maxnumber: challenge.maxnumber });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const numbers = runs.map((r) => r.number).sort((a, b) => a - b);
  // Hashes a millisecond, luck aside: meaningful for one thread (worker or main) only.
  const perMs = runs.reduce((sum, r) => sum + r.number, 0) / runs.reduce((sum, r) => sum + r.ms, 0);
  return { runs, times, numbers, perMs, last: runs.at(-1) };
}

const [server, browser] = await Promise.all([startServer({ env }), launch()]);
try {
  const context = await newContext(browser, server.url);
  const page = await context.newPage();
  await page.goto('/privacy.html');
  const cdp = await context.newCDPSession(page);
  const shipped = await page.evaluate(async () => (await import('/assets/js/challenge.js')).defaultWorkers());
  const work = (await challengeFrom(server)).maxnumber;
  console.log(`Chromium ${browser.version()}, ${cpus().length} × ${cpus()[0].model}; maxnumber ${work.toLocaleString('en')}; ${RUNS} challenges a mode\n`);

  const modes = [
    { name: `wizard as shipped (${shipped} workers)`, workers: null, threads: shipped, rate: 1 },
    { name: 'one worker', workers: 1, threads: 1, rate: 1 },
    { name: 'main thread', workers: 0, threads: 1, rate: 1 },
    { name: 'main thread, CDP 4× (≈ one worker on a 4× slower phone)', workers: 0, threads: 1, rate: 4 },
    { name: `wizard as shipped, CDP 4× (workers not throttled)`, workers: null, threads: shipped, rate: 4 },
  ];
  console.log('| mode | median ms | p10 ms | p90 ms | min–max ms | median number | hashes/ms (one thread) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const results = [];
  let spent = false;
  for (const mode of modes) {
    const result = await measure(server, page, cdp, mode);
    results.push({ mode, result });
    const { times, numbers, perMs } = result;
    console.log(`| ${mode.name} | ${ms(quantile(times, 0.5))} | ${ms(quantile(times, 0.1))} | ${ms(quantile(times, 0.9))} | ${ms(times[0])}–${ms(times.at(-1))} | ${numbers[Math.floor(numbers.length / 2)].toLocaleString('en')} | ${mode.threads === 1 ? perMs.toFixed(1) : '—'} |`);
    if (!spent) {
      // One solution from the browser spent on a real hold: the server takes what the wizard sends.
      const slots = await (await fetch(`${server.url}/api/services/cie/offices/ufficio-1/slots`)).json();
      const hold = await fetch(`${server.url}/api/holds`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service_id: 'cie', office_id: 'ufficio-1', date: slots.date, start: slots.slots[0].start, altcha: result.last.altcha }),
      });
      assert.equal(hold.status, 201, `the server refused the browser's solution: ${await hold.text()}`);
      spent = true;
    }
  }

  // The work that would give a median of about 300 ms on the throttled main thread: the median
  // number is maxnumber / 2, solved at the measured hashes per millisecond.
  const throttled = results.find((r) => r.mode.rate === 4 && r.mode.workers === 0).result;
  const median = quantile(throttled.times, 0.5);
  const suggested = Math.round((2 * 300 * throttled.perMs) / 1000) * 1000;
  console.log(`\nCDP 4× main thread: median ${ms(median)} ms, ${throttled.perMs.toFixed(1)} hashes/ms.`);
  console.log(`PRENOTA_CHALLENGE_WORK for a median of about 300 ms there: ${suggested.toLocaleString('en')}`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
