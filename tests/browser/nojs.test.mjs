// The pages reached from the links in messages work without JavaScript (SMS users on basic
// browsers): confirm on /c/, then on /p/ the QR code, the .ics and the two-step cancellation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './lib/fixture.mjs';
import { ONE_DESK } from './lib/catalogue.mjs';
import { freeSlots } from './lib/flow.mjs';

const site = serverAndBrowser({ catalogue: ONE_DESK });

async function post(path, body) {
  const response = await fetch(`${site.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A booking made through the API, waiting for confirmation; returns its slot and link. */
async function pendingBooking(contact) {
  const day = (await (await fetch(`${site.url}/api/services/cie/offices/sportello-unico/slots`)).json());
  const start = day.slots[0].start;
  const hold = await post('/api/holds', { service_id: 'cie', office_id: 'sportello-unico', date: day.date, start });
  assert.equal(hold.status, 201);
  const sent = await post(`/api/holds/${hold.body.hold_id}/booking`, { name: 'Giulia', surname: 'Bianchi', contact, accept_terms: true });
  assert.equal(sent.status, 202);
  const outbox = await (await fetch(`${site.url}/outbox`)).text();
  const link = outbox.match(new RegExp(`data-recipient="${contact}"[\\s\\S]*?href="https?://[^/]+(/c/[A-Za-z0-9_-]+)[?"]`))[1];
  return { date: day.date, start, link };
}

test('confirm and cancel work with JavaScript disabled', async () => {
  const { date, start, link } = await pendingBooking('giulia@esempio.it');
  const context = await site.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  await page.goto(link);
  await page.getByRole('heading', { name: 'Conferma la prenotazione' }).waitFor();
  await page.getByRole('button', { name: 'Conferma prenotazione' }).click();
  await page.getByRole('heading', { name: 'La tua prenotazione' }).waitFor();
  assert.equal(await page.locator('.qr svg').count(), 1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Aggiungi al calendario' }).click()]);
  assert.match(download.suggestedFilename(), /\.ics$/);
  assert.ok(!(await freeSlots(site.url, 'cie', 'sportello-unico', date)).includes(start), 'confirmed slot is taken');

  await page.getByRole('button', { name: 'Annulla prenotazione' }).click();
  await page.getByRole('heading', { name: 'Vuoi annullare la prenotazione?' }).waitFor();
  await page.getByRole('button', { name: 'Sì, annulla la prenotazione' }).click();
  await page.getByRole('heading', { name: 'Prenotazione annullata' }).waitFor();
  // Kept for the waiting list, then anyone's ten minutes after the cancellation.
  assert.ok(!(await freeSlots(site.url, 'cie', 'sportello-unico', date)).includes(start), 'a cancelled slot waits before it is public');
  await context.close();
});
