// Two citizens race for the last seat of a slot (one desk): one wins and goes on; the other is
// told clearly and offered the next free slot, which they can take with one press.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './lib/fixture.mjs';
import { ONE_DESK } from './lib/catalogue.mjs';
import { freeSlots, unexpectedProblems } from './lib/flow.mjs';

const site = serverAndBrowser({ catalogue: ONE_DESK });

async function atSlotStep(context) {
  const page = await context.newPage();
  await page.goto('/?service=cie&office=sportello-unico');
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  return page;
}

test('one wins the last seat, the other is told and offered the next free slot', async () => {
  const [first, second] = await Promise.all([site.newContext(), site.newContext()]);
  const [winner, loser] = await Promise.all([atSlotStep(first), atSlotStep(second)]);
  const seat = winner.locator('.slot-button').first();
  const name = await seat.getAttribute('aria-label');
  assert.equal(await loser.locator('.slot-button').first().getAttribute('aria-label'), name, 'both see the same slot');

  await seat.click();
  await winner.getByRole('heading', { name: 'Inserisci dati' }).waitFor();

  await loser.getByRole('button', { name, exact: true }).click();
  const told = loser.getByRole('alert').filter({ hasText: "Questo orario è appena stato prenotato da un'altra persona." });
  await told.waitFor();
  assert.equal(await loser.getByRole('heading', { name: 'Scegli orario' }).count(), 1);
  assert.equal(await loser.getByRole('button', { name, exact: true }).count(), 0, 'the taken slot is no longer offered');
  const offer = told.getByRole('button', { name: /^Prenota il primo orario libero: .+, \d\d:\d\d–\d\d:\d\d$/ });
  const offered = await offer.innerText();
  assert.ok(!offered.endsWith(name.slice(0, 11)), 'the offer is another slot');
  await offer.click();
  await loser.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  assert.equal(await loser.getByRole('timer').isVisible(), true);

  assert.deepEqual(unexpectedProblems(first), []);
  assert.deepEqual(unexpectedProblems(second, [409]), []);
  await Promise.all([first.close(), second.close()]);
});

test('INDIETRO on "Inserisci dati" gives the held slot back at once', async () => {
  const context = await site.newContext();
  const page = await atSlotStep(context);
  const day = await page.locator('#day-select').inputValue();
  const slot = page.locator('.slot-button').last();
  const start = (await slot.innerText()).slice(0, 5);
  await slot.click();
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  assert.ok(!(await freeSlots(site.url, 'cie', 'sportello-unico', day)).includes(start), 'held');
  await page.getByRole('link', { name: 'Indietro' }).click();
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  assert.ok((await freeSlots(site.url, 'cie', 'sportello-unico', day)).includes(start), 'released');
  assert.equal(await page.getByRole('timer').isHidden(), true);
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});
