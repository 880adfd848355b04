// Under pressure — here always: PRENOTA_CHALLENGE_ABOVE=0 makes every hold need a proof of work —
// the booking goes on as always. A hold without a proof answers 428 challenge_required; the wizard
// then fetches the ALTCHA challenge, solves it in a Web Worker with nothing to see or click (the
// polite live region says "Checking…", the step is aria-busy) and holds again with `altcha`, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serverAndBrowser } from './lib/fixture.mjs';
import { confirmationLink, expectNoAxeViolations, unexpectedProblems } from './lib/flow.mjs';
import { tabTo } from './lib/keyboard.mjs';

const site = serverAndBrowser({ env: { PRENOTA_CHALLENGE_ABOVE: '0' } });

/** The first free slot of the CIE at ufficio-1, from the API. */
async function firstFreeSlot() {
  const response = await fetch(`${site.url}/api/services/cie/offices/ufficio-1/slots`);
  assert.equal(response.status, 200);
  const { date, slots } = await response.json();
  return { service_id: 'cie', office_id: 'ufficio-1', date, start: slots[0].start };
}

function postHold(body) {
  return fetch(`${site.url}/api/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Records, for the page's context, each POST /api/holds with whether it carried `altcha` and its
 * status; every Web Worker the page starts; and each text of the polite live region.
 */
async function watch(context) {
  const holds = [];
  const workers = [];
  context.on('response', (response) => {
    const request = response.request();
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== '/api/holds') return;
    holds.push({ status: response.status(), altcha: Boolean(request.postDataJSON()?.altcha) });
  });
  context.on('page', (page) => page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname)));
  await context.addInitScript(() => {
    window.announced = [];
    document.addEventListener('DOMContentLoaded', () => {
      const announcer = document.getElementById('announcer');
      if (!announcer) return; // the outbox and the server-rendered pages have none
      new MutationObserver(() => {
        if (announcer.textContent) window.announced.push(announcer.textContent);
      }).observe(announcer, { childList: true, characterData: true, subtree: true });
    });
  });
  return { holds, workers };
}

/** Holds GET /api/challenge until `release()`: the step can be looked at while it is checking. */
async function holdBackChallenges(page) {
  let release;
  const released = new Promise((r) => { release = r; });
  let asked;
  const requested = new Promise((resolve, reject) => {
    asked = resolve;
    setTimeout(() => reject(new Error('the wizard never asked for GET /api/challenge after a 428')), 15000).unref();
  });
  await page.route('**/api/challenge*', async (route) => {
    asked();
    await released;
    await route.continue();
  });
  return { requested, release };
}

test('a hold without a solved challenge is refused with 428; a solution is good once', async () => {
  const slot = await firstFreeSlot();
  const refused = await postHold(slot);
  assert.equal(refused.status, 428);
  assert.match(refused.headers.get('content-type'), /^application\/problem\+json/);
  const problem = await refused.json();
  assert.equal(problem.code, 'challenge_required');
  assert.equal(problem.field, 'altcha');

  const garbage = await postHold({ ...slot, altcha: Buffer.from('{"number":1}').toString('base64') });
  assert.equal(garbage.status, 428, 'a made-up solution is refused too');

  // The challenge format the wizard's solver expects (ALTCHA v1), solved here by brute force.
  const answer = await fetch(`${site.url}/api/challenge`);
  assert.equal(answer.status, 200);
  const challenge = await answer.json();
  assert.equal(challenge.algorithm, 'SHA-256');
  assert.equal(challenge.maxnumber, 15000, 'the default work');
  assert.match(challenge.salt, /\?expires=\d+/);
  let number = 0;
  while (createHash('sha256').update(challenge.salt + number).digest('hex') !== challenge.challenge) {
    number += 1;
    assert.ok(number <= challenge.maxnumber, 'no solution up to maxnumber');
  }
  const { algorithm, salt, signature } = challenge;
  const altcha = Buffer.from(JSON.stringify({ algorithm, challenge: challenge.challenge, number, salt, signature })).toString('base64');
  const held = await postHold({ ...slot, altcha });
  assert.equal(held.status, 201, await held.clone().text());
  const { hold_id: holdId } = await held.json();
  const again = await postHold({ ...slot, altcha });
  assert.equal(again.status, 428, 'the same solution twice');
  await fetch(`${site.url}/api/holds/${holdId}`, { method: 'DELETE' });
});

test('the whole booking by keyboard alone, the challenge solved in a worker with nothing to do', async () => {
  const context = await site.newContext({ viewport: { width: 390, height: 844 } });
  const seen = await watch(context);
  const page = await context.newPage();
  const challenges = await holdBackChallenges(page);

  await page.goto('/?service=cie&office=ufficio-1&lang=en');
  await page.getByRole('heading', { name: 'Choose time' }).waitFor();
  await tabTo(page, /^\d\d:\d\d–\d\d:\d\d, /);
  await page.keyboard.press('Enter');

  // Refused for want of a proof, the wizard asks for a challenge: while it is being solved the step
  // is busy, says so politely, offers nothing to press, and passes axe.
  await challenges.requested;
  await page.locator('#step-content[aria-busy="true"]').waitFor({ state: 'attached' });
  await page.waitForFunction(() => window.announced.includes('Checking, one moment…'));
  assert.equal(await page.locator('#announcer').getAttribute('aria-live'), 'polite');
  assert.equal(await page.locator('.slot-button:not([disabled])').count(), 0, 'the slots wait');
  await expectNoAxeViolations(page, 'Choose time, checking');
  challenges.release();

  await page.getByRole('heading', { name: 'Your details' }).waitFor();
  assert.equal(await page.locator('#step-content').getAttribute('aria-busy'), null);
  assert.deepEqual(seen.holds, [{ status: 428, altcha: false }, { status: 201, altcha: true }],
    'one hold refused without a proof, then one held with it');
  assert.ok(seen.workers.includes('/assets/altcha/worker.js'), `solved in a Web Worker (workers: ${seen.workers.join(', ') || 'none'})`);
  await expectNoAxeViolations(page, 'Your details');

  await tabTo(page, /^Name$/);
  await page.keyboard.type('Anna');
  await tabTo(page, /^Surname$/);
  await page.keyboard.type('Bianchi');
  await tabTo(page, /^E-mail or mobile number$/);
  await page.keyboard.type('anna.bianchi@example.org');
  await tabTo(page, /^I accept the terms/);
  await page.keyboard.press('Space');
  await tabTo(page, /^Continue$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  await tabTo(page, /^Send$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Confirmation' }).waitFor();

  await page.goto(await confirmationLink(page, site.url, 'anna.bianchi@example.org'));
  await tabTo(page, /^(Confirm booking|Conferma prenotazione)$/);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.locator('.qr svg').waitFor();

  assert.deepEqual(unexpectedProblems(context, [404, 428]), []);
  await context.close();
});

test('a solution the server refuses is shown like any failed hold, after one retry', async () => {
  const context = await site.newContext();
  const seen = await watch(context);
  const page = await context.newPage();
  // The proof is spoilt on its way: the server answers 428 again.
  await page.route('**/api/holds', (route) => {
    const body = route.request().postDataJSON();
    if (!body?.altcha) return route.continue();
    return route.continue({ postData: JSON.stringify({ ...body, altcha: `x${body.altcha}` }) });
  });
  await page.goto('/?service=cie&office=ufficio-1');
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  await page.locator('.slot-button').first().click();

  const told = page.getByRole('alert').filter({ hasText: 'Il servizio è molto richiesto in questo momento' });
  await told.waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Scegli orario' }).count(), 1, 'still on the slots');
  assert.ok(await page.evaluate(() => window.announced.includes('Verifica in corso, un istante…')));
  assert.deepEqual(seen.holds, [{ status: 428, altcha: false }, { status: 428, altcha: true }], 'one retry, no loop');
  assert.equal(await page.locator('#step-content').getAttribute('aria-busy'), null);
  assert.ok(await page.locator('.slot-button:not([disabled])').count() > 0, 'the slots can be pressed again');
  assert.deepEqual(unexpectedProblems(context, [428]), []);
  await context.close();
});

test('when no worker can start, the main thread solves the challenge', async () => {
  const context = await site.newContext();
  const seen = await watch(context);
  const page = await context.newPage();
  let refused = 0;
  await page.route('**/assets/altcha/worker.js', (route) => { refused += 1; return route.fulfill({ status: 404, body: '' }); });
  await page.goto('/?service=cie&office=ufficio-1');
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  await page.locator('.slot-button').first().click();
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  assert.ok(refused > 0, 'the worker script was asked for and refused');
  assert.deepEqual(seen.holds, [{ status: 428, altcha: false }, { status: 201, altcha: true }]);
  assert.deepEqual(unexpectedProblems(context, [404, 428]), []);
  await context.close();
});
