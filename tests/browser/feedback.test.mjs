// The rating component on "Conferma" (Designers Italia, data-element="feedback"): stars by
// keyboard, the follow-up question that fits the stars, and an anonymous POST /api/feedback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './lib/fixture.mjs';
import { bookUpToSummary, unexpectedProblems } from './lib/flow.mjs';

const site = serverAndBrowser();

/** Whether this server build has POST /api/feedback (a bad rating is refused, not "not found"). */
async function feedbackRouteExists() {
  const response = await fetch(`${site.url}/api/feedback`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rating: 9 }),
  });
  return response.status !== 404 && response.status !== 405;
}

async function bookUntilConfirmation(page) {
  await bookUpToSummary(page, { name: 'Anna', surname: 'Verdi', contact: '+39 333 123 4567' });
  await page.getByRole('button', { name: 'Invia' }).click();
  await page.getByRole('heading', { name: 'Conferma' }).waitFor();
}

test('the rating is sent anonymously to POST /api/feedback', async (t) => {
  if (!(await feedbackRouteExists())) {
    t.skip('this server build has no POST /api/feedback yet');
    return;
  }
  const context = await site.newContext();
  const page = await context.newPage();
  await bookUntilConfirmation(page);
  assert.match(await page.locator('#step-content').innerText(), /Apri l'SMS che hai ricevuto/);

  const rating = page.locator('[data-element="feedback"]');
  assert.equal(await rating.locator('[data-element="feedback-title"]').innerText(), 'Quanto è stato facile usare questo servizio?');
  assert.equal(await rating.locator('[data-element^="feedback-rate-"]').count(), 5);
  await page.getByRole('radio', { name: 'Valuta 2 stelle su 5' }).focus();
  await page.keyboard.press('Space');
  const negative = rating.locator('[data-element="feedback-rating-negative"]');
  await negative.waitFor();
  assert.equal(await rating.locator('[data-element="feedback-rating-positive"]').isHidden(), true);
  await negative.getByRole('radio', { name: 'Ho avuto problemi tecnici' }).focus();
  await page.keyboard.press('Space');
  await rating.locator('[data-element="feedback-input-text"]').focus();
  await page.keyboard.type('La mappa non si vedeva.');

  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/feedback') && r.method() === 'POST'),
    rating.getByRole('button', { name: 'Invia la valutazione' }).press('Enter'),
  ]);
  const sent = request.postDataJSON();
  assert.deepEqual(sent, { rating: 2, reason: 'Ho avuto problemi tecnici: La mappa non si vedeva.', lang: 'it' });
  assert.equal((await request.response()).status(), 204);
  await rating.getByText('Grazie, il tuo parere ci aiuterà a migliorare il servizio!').waitFor();

  // A sent booking cannot be edited: the back button from "Conferma" starts a new booking.
  await page.goBack();
  await page.getByRole('heading', { name: 'Cerca servizio' }).waitFor();
  assert.equal(await page.locator('.chosen').count(), 0);
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});
