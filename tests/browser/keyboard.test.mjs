// The same booking with the keyboard only (Tab, Shift+Tab, Enter, Space, typing: no mouse, no
// click()), in English, on a 320×640 phone where no step may scroll sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './lib/fixture.mjs';
import { confirmationLink, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { tabTo } from './lib/keyboard.mjs';

const site = serverAndBrowser();

test('the whole booking by keyboard alone at 320×640, in English', async () => {
  const context = await site.newContext({ viewport: { width: 320, height: 640 }, hasTouch: false });
  const page = await context.newPage();
  await page.goto('/');
  await noHorizontalScroll(page, 'home');

  // The skip link comes first, then the language switch.
  assert.match(await tabTo(page, /./, 1), /Vai al contenuto principale/);
  await tabTo(page, /^English$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Book an appointment' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');

  await tabTo(page, /^Book an appointment$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Find service' }).waitFor();
  await noHorizontalScroll(page, 'Find service');

  await tabTo(page, /^Search for a service$/);
  await page.keyboard.type('carta identita');
  await page.getByRole('status').filter({ hasText: '1 service found' }).waitFor();
  await tabTo(page, /identity card/i);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Choose office' }).waitFor();
  await page.getByText('The map could not be loaded').waitFor();
  await noHorizontalScroll(page, 'Choose office');
  const office = await tabTo(page, /^Choose this office: /);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Choose time' }).waitFor();
  await noHorizontalScroll(page, 'Choose time');
  const slot = await tabTo(page, /^\d\d:\d\d–\d\d:\d\d, \w+,? \d+ \w+ \d{4}, /);
  assert.ok(slot.endsWith(office.replace('Choose this office: ', '')), `slot name carries the office: ${slot}`);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Your details' }).waitFor();
  assert.match(await page.getByRole('timer').innerText(), /\d\d:\d\d\s+Time left to complete the booking/);
  await noHorizontalScroll(page, 'Your details');
  await tabTo(page, /^Name$/);
  await page.keyboard.type('John');
  await tabTo(page, /^Surname$/);
  await page.keyboard.type('Smith');
  await tabTo(page, /^E-mail or mobile number$/);
  await page.keyboard.type('john.smith@example.org');
  await tabTo(page, /^I accept the terms/);
  await page.keyboard.press('Space');
  await tabTo(page, /^Continue$/);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  await noHorizontalScroll(page, 'Summary');
  assert.match(await page.locator('.summary-list').innerText(), /John Smith[\s\S]*john\.smith@example\.org/);
  await tabTo(page, /^Send$/);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: 'Confirmation' }).waitFor();
  await noHorizontalScroll(page, 'Confirmation');
  assert.match(await page.locator('#step-content').innerText(), /We sent an e-mail to jo\*+@e\*+\.org/);

  // The link from the e-mail, then the server pages, still by keyboard.
  await page.goto(await confirmationLink(page, site.url, 'john.smith@example.org'));
  await noHorizontalScroll(page, '/c/');
  await tabTo(page, /^(Confirm booking|Conferma prenotazione)$/);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.locator('.qr svg').waitFor();
  await noHorizontalScroll(page, '/p/');
  await tabTo(page, /^(Add to calendar|Aggiungi al calendario)$/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /\.ics$/);
  await tabTo(page, /^(Cancel booking|Annulla prenotazione)$/);
  await Promise.all([page.waitForURL(/\/cancel$/), page.keyboard.press('Enter')]);
  await page.getByRole('heading', { name: /^(Cancel the booking\?|Vuoi annullare la prenotazione\?)$/ }).waitFor();
  await tabTo(page, /^(Yes, cancel the booking|Sì, annulla la prenotazione)$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /^(Booking cancelled|Prenotazione annullata)$/ }).waitFor();
  await noHorizontalScroll(page, 'cancelled');

  assert.deepEqual(unexpectedProblems(context, [404]), []);
  await context.close();
});
