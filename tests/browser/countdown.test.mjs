// Countdown expiry with PRENOTA_HOLD_TTL=5s, on a phone whose clock is 10 minutes behind: the
// countdown follows the server's expires_at and clock (not the phone's), the citizen is told
// when it ends and sent back to "Scegli orario", and the slot is free again in the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newContext } from './lib/browser.mjs';
import { ONE_DESK } from './lib/catalogue.mjs';
import { freeSlots, unexpectedProblems } from './lib/flow.mjs';

let server;
let twentyMinutes;
let browser;

before(async () => {
  [server, twentyMinutes, browser] = await Promise.all([
    startServer({ catalogue: ONE_DESK, env: { PRENOTA_HOLD_TTL: '5s' } }),
    startServer({ catalogue: ONE_DESK }),
    launch(),
  ]);
});

after(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), twentyMinutes?.stop()]);
});

test('at zero the citizen is told, sent back to choose a slot, and the slot is free again', async () => {
  const context = await newContext(browser, server.url);
  // The phone's clock is 10 minutes behind the server's.
  await context.addInitScript(() => {
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() - 10 * 60 * 1000;
  });
  const page = await context.newPage();
  await page.goto('/?service=cie&office=sportello-unico');
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  const slot = page.locator('.slot-button').first();
  const start = (await slot.innerText()).slice(0, 5);
  const day = await page.locator('#day-select').inputValue();
  await slot.click();

  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  const countdown = page.getByRole('timer');
  assert.match(await countdown.innerText(), /00:0[0-5]\s+Tempo per completare la prenotazione/, 'the countdown uses the server clock');
  assert.ok(!(await freeSlots(server.url, 'cie', 'sportello-unico', day)).includes(start), 'held slot is not free');

  // A reload keeps the step and the countdown.
  await page.reload();
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor({ timeout: 3000 });
  assert.equal(await countdown.isVisible(), true);

  const notice = page.getByRole('alert').filter({ hasText: 'Il tempo per completare la prenotazione è scaduto' });
  await notice.waitFor({ timeout: 15000 });
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  assert.equal(await countdown.isHidden(), true);
  assert.ok((await freeSlots(server.url, 'cie', 'sportello-unico', day)).includes(start), 'slot free again after expiry');
  assert.ok(await page.getByRole('button', { name: new RegExp(`^${start}–`) }).count() >= 1, 'the slot is offered again');
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

test('screen readers hear the time left at 5 minutes and at 1 minute', async () => {
  const context = await newContext(browser, twentyMinutes.url);
  // The test moves the page's clock forward instead of waiting 20 minutes.
  await context.addInitScript(() => {
    const realNow = Date.now.bind(Date);
    window.clockAhead = 0;
    Date.now = () => realNow() + window.clockAhead;
  });
  const page = await context.newPage();
  await page.goto('/?service=cie&office=sportello-unico');
  await page.locator('.slot-button').first().click();
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  const timer = page.getByRole('timer');
  assert.match(await timer.innerText(), /^(20:00|19:5\d)/);
  const announcer = page.locator('#announcer');
  assert.equal(await announcer.getAttribute('aria-live'), 'polite');

  await page.evaluate(() => { window.clockAhead = 15 * 60 * 1000 + 2000; });
  await page.waitForFunction(() => document.getElementById('announcer').textContent.includes('5 minuti'));
  assert.equal(await announcer.innerText(), 'Restano 5 minuti per completare la prenotazione.');
  assert.match(await timer.innerText(), /^04:5\d/);

  await page.evaluate(() => { window.clockAhead = 19 * 60 * 1000 + 2000; });
  await page.waitForFunction(() => document.getElementById('announcer').textContent.includes('1 minuto'));
  assert.equal(await announcer.innerText(), 'Resta 1 minuto per completare la prenotazione.');
  assert.match(await timer.innerText(), /^00:5\d/);
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});
