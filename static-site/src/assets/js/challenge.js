// The proof of work the hold step asks for when the service is under pressure (a hold answered
// 428 challenge_required): the ALTCHA challenge of GET /api/challenge (v1 format: find n with
// hex(SHA-256(salt + n)) = challenge), solved by altcha-lib's v1 solver in Web Workers, off the
// main thread, with nothing to see or click. altcha-lib (12 KB, three ES modules under
// /assets/altcha/) is fetched only here, the first time a challenge comes. The answer goes in the
// retried hold's `altcha` field: base64 of the JSON {algorithm, challenge, number, salt, signature}.
// This module imports nothing of the wizard, so the benchmark (tests/browser/bench-challenge.mjs)
// measures exactly what the wizard runs.

const LIBRARY = '/assets/altcha/index.js';
const WORKER = '/assets/altcha/worker.js';
// Far above the few hundred milliseconds expected even on a slow phone, and below the challenge's
// five minutes: past it the citizen is told, as for any failed hold.
const TIMEOUT_MS = 60000;

/** Workers used by default: one per core, at most 4, each trying its share of the numbers. */
export function defaultWorkers() {
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}

let library = null;
function loadLibrary() {
  if (!library) library = import(LIBRARY).catch((error) => { library = null; throw error; });
  return library;
}

function timeout(ms) {
  const error = new Error('challenge: timed out');
  let timer;
  const promise = new Promise((_, reject) => { timer = setTimeout(() => reject(error), ms); });
  return { promise, error, cancel: () => clearTimeout(timer) };
}

/**
 * Splits 0..=maxnumber among `count` of altcha-lib's workers (its v1 worker.js and its message:
 * `{ type: 'work', payload: { algorithm, challenge, salt, start, max } }`, answered with the
 * solution or null) and resolves to `{ solution, failed }` at the first solution, or once every
 * worker answered (`failed`: one could not run). altcha-lib's own solveChallengeWorkers is not
 * used: it waits for every worker, and in Chromium a worker busy in its digest loop does not get
 * the "abort" message before its range is done (measured: with two workers the fastest of 30
 * solves took 617 ms, a whole half range). Here the caller terminates the others.
 */
function startWorkers({ algorithm, challenge, maxnumber, salt }, count, workers) {
  const step = Math.ceil((maxnumber + 1) / count);
  return new Promise((resolve) => {
    let left = count;
    let failed = false;
    for (let i = 0; i < count; i += 1) {
      const worker = new Worker(WORKER, { type: 'module' });
      workers.push(worker);
      let answered = false;
      const answer = (solution, error = false) => {
        if (answered) return;
        answered = true;
        left -= 1;
        failed ||= error;
        if (solution) resolve({ solution, failed });
        else if (left === 0) resolve({ solution: null, failed });
      };
      worker.addEventListener('message', (event) => answer(event.data));
      worker.addEventListener('error', () => answer(null, true));
      const start = i * step;
      worker.postMessage({ type: 'work', payload: { algorithm, challenge, salt, start, max: Math.min(maxnumber, start + step - 1) } });
    }
  });
}

/**
 * Finds the number of `challenge` (as GET /api/challenge answers it). Resolves to
 * `{ number, took }` (milliseconds); rejects when no solution was found in time.
 * `workers`: how many Web Workers (0 solves on the main thread, which also serves as the fallback
 * when workers cannot start, e.g. a browser without module workers).
 */
export async function solve(challenge, { workers = defaultWorkers(), timeoutMs = TIMEOUT_MS } = {}) {
  const started = performance.now();
  const limit = timeout(timeoutMs);
  const created = [];
  let solution = null;
  let onMainThread = workers <= 0;
  try {
    if (!onMainThread) {
      try {
        const answer = await Promise.race([startWorkers(challenge, workers, created), limit.promise]);
        solution = answer.solution;
        onMainThread = !solution && answer.failed; // a worker could not run its share
      } catch (error) {
        if (error === limit.error) throw error;
        onMainThread = true; // no worker could be made (no module workers): the main thread works
      }
    }
    if (onMainThread) {
      const { solveChallenge } = await loadLibrary();
      const { algorithm, challenge: hash, maxnumber, salt } = challenge;
      const { promise, controller } = solveChallenge(hash, salt, algorithm, maxnumber);
      solution = await Promise.race([promise, limit.promise.catch((error) => { controller.abort(); throw error; })]);
    }
  } finally {
    limit.cancel();
    for (const worker of created) worker.terminate();
  }
  if (!solution) throw new Error('challenge: no solution');
  return { number: solution.number, took: Math.round(performance.now() - started) };
}

/** The `altcha` field of a hold: the solved challenge, as the server checks it. */
export function payload(challenge, { number, took }) {
  const { algorithm, challenge: hash, salt, signature } = challenge;
  return btoa(JSON.stringify({ algorithm, challenge: hash, number, salt, signature, took }));
}
