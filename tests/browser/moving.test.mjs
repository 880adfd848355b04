// "Sposta appuntamento" with JavaScript disabled (the /p/ pages are reached from SMS and e-mail
// links, on any browser): once the booking is confirmed, from its page to /p/{code}/move and back
// by keyboard alone (Tab, Enter, Space, arrow keys: no mouse, no click()) at 320×640, the old seat free again and the
// "booking-moved" message in the outbox; then axe on the move page in Italian and English, on its
// error state and on the booking page after the move, none of them scrolling sideways at 320 px.
// One desk per slot (ONE_DESK), so a booked time really leaves the API's free slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './lib/browser.mjs';
import { ONE_DESK } from './lib/catalogue.mjs';
import { serverAndBrowser } from './lib/fixture.mjs';
import { expectNoAxeViolations, freeSlots, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { focusedName, tabTo } from './lib/keyboard.mjs';

const site = serverAndBrowser({ catalogue: ONE_DESK });

const SERVICE = 'cie';
const OFFICE = 'sportello-unico';
const PHONE = { width: 320, height: 640 };
const WIDE = { width: 1280, height: 900 };
const TIME_RANGE = /^\d\d:\d\d–\d\d:\d\d$/;
// Tab presses allowed on the move page: its list of days runs to some 40 links (the booking window).
const MANY = 150;

async function post(path, body) {
  const response = await fetch(`${site.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Two days with free times, at least two days ahead (the move is closed 2 h before the
 * appointment, and a reminder goes the day before): the booking's and the one to move to.
 */
async function twoDaysAhead() {
  const answer = await (await fetch(`${site.url}/api/services/${SERVICE}/offices/${OFFICE}/slots`)).json();
  const ahead = answer.days.slice(2, 4);
  assert.equal(ahead.length, 2, `two days with free times ahead: ${answer.days}`);
  return ahead;
}

/** The outbox's messages of `kind` to `contact`, as the outbox page lists them. */
async function outboxMessages(kind, contact) {
  const outbox = await (await fetch(`${site.url}/outbox`)).text();
  const articles = outbox.match(/<article\b[\s\S]*?<\/article>/g) ?? [];
  return articles.filter((a) => a.includes(`data-kind="${kind}"`) && a.includes(`data-recipient="${contact}"`));
}

/**
 * A booking of `date` at its `nth` free time from the end, made through the API and confirmed on
 * its /c/ page by `page` (the form, as a citizen does). Answers its start and /p/ path.
 */
async function confirmedBooking(page, contact, date, nth = 1) {
  const start = (await freeSlots(site.url, SERVICE, OFFICE, date)).at(-nth);
  const hold = await post('/api/holds', { service_id: SERVICE, office_id: OFFICE, date, start });
  assert.equal(hold.status, 201);
  const sent = await post(`/api/holds/${hold.body.hold_id}/booking`, { name: 'Giulia', surname: 'Bianchi', contact, accept_terms: true });
  assert.equal(sent.status, 202);
  const [request] = await outboxMessages('confirmation-request', contact);
  const link = request?.match(/href="https?:\/\/[^/"]+(\/c\/[A-Za-z0-9_-]+)[?"]/)?.[1];
  assert.ok(link, `no confirmation link for ${contact} in the outbox`);
  await page.goto(link);
  await page.getByRole('button', { name: 'Conferma prenotazione' }).click();
  await page.getByRole('heading', { name: 'La tua prenotazione' }).waitFor();
  const move = await page.getByRole('link', { name: 'Sposta appuntamento' }).getAttribute('href');
  const path = move?.match(/^(\/p\/[A-Za-z0-9_-]+)\/move\?lang=it$/)?.[1];
  assert.ok(path, `the booking page links to its move page: ${move}`);
  assert.ok(!(await freeSlots(site.url, SERVICE, OFFICE, date)).includes(start), 'the booked time is taken');
  return { start, path };
}

/** The link of the day `date` in the move page's list of days. */
function dayLink(page, date) {
  return page.locator(`ul.days a[href*="date=${date}&"]`);
}

test('moving an appointment by keyboard alone, with JavaScript disabled, at 320×640', async () => {
  const [oldDay, newDay] = await twoDaysAhead();
  const contact = 'sposta-tastiera@esempio.it';
  const context = await site.newContext({ javaScriptEnabled: false, viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  const { start: oldStart, path } = await confirmedBooking(page, contact, oldDay);

  await page.goto(path);
  await page.getByRole('heading', { level: 1, name: 'La tua prenotazione' }).waitFor();
  await page.getByRole('heading', { level: 2, name: "Sposta l'appuntamento" }).waitFor();
  await tabTo(page, /^Sposta appuntamento$/);
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { level: 1, name: "Sposta l'appuntamento" }).waitFor();
  assert.equal(new URL(page.url()).pathname, `${path}/move`);
  await page.getByRole('heading', { level: 2, name: 'Appuntamento attuale' }).waitFor();
  assert.equal(await page.locator('#current-title + .facts time').getAttribute('datetime'), oldDay, 'the current appointment');
  await noHorizontalScroll(page, 'move page (no JS)');

  // Another day, by its link.
  const dayName = (await dayLink(page, newDay).innerText()).trim();
  assert.equal(await dayLink(page, newDay).getAttribute('aria-current'), null, `${newDay} is not shown yet`);
  await tabTo(page, new RegExp(`^${dayName}$`), MANY);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 2, name: `Orari liberi di ${dayName}` }).waitFor();
  assert.equal(await dayLink(page, newDay).getAttribute('aria-current'), 'date', 'the shown day is marked');
  assert.equal(await page.locator('ul.days a[aria-current]').count(), 1, 'one day marked');
  assert.equal(await page.locator('form input[name="date"]').inputValue(), newDay);
  await noHorizontalScroll(page, 'move page, another day (no JS)');

  // A time: the day's link led straight to its times, so one Tab reaches the first; Space checks
  // it, the down arrow moves to the next.
  const first = await tabTo(page, TIME_RANGE, 2);
  await page.keyboard.press('Space');
  assert.equal(await page.locator('input[name="start"]:checked').count(), 1, `Space checked ${first}`);
  const radios = await page.locator('input[name="start"]').count();
  if (radios > 1) await page.keyboard.press('ArrowDown');
  const chosen = page.locator('input[name="start"]:checked');
  const newStart = await chosen.inputValue();
  const newRange = await focusedName(page);
  assert.match(newRange, TIME_RANGE);
  assert.ok(newRange.startsWith(newStart), `the focused time is the checked one: ${newRange}, ${newStart}`);
  if (radios > 1) assert.notEqual(newRange, first, 'the arrow key moved to the next time');

  await tabTo(page, /^Invia$/);
  await page.keyboard.press('Enter');

  // The booking page, at the new time, with the notice.
  await page.getByRole('heading', { level: 1, name: 'La tua prenotazione' }).waitFor();
  const notice = page.getByRole('status').filter({ hasText: 'Appuntamento spostato' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /Il nuovo orario è registrato/);
  assert.equal(await page.locator('#details-title + .facts time').getAttribute('datetime'), newDay, 'the new day');
  assert.equal(await page.locator('#details-title + .facts time').innerText(), dayName);
  assert.match(await page.locator('#details-title + .facts').innerText(), new RegExp(newRange));
  assert.equal(await page.locator('.qr svg').count(), 1, 'a QR code');
  await noHorizontalScroll(page, 'booking page after the move (no JS)');
  await screenshot(page, 'moving-nojs-moved-320');

  // The old seat goes to the waiting list first: with nobody waiting, the sender's draw (a poll
  // round away) gives it back to everyone.
  let freed = false;
  for (let tries = 0; tries < 40 && !freed; tries += 1) {
    freed = (await freeSlots(site.url, SERVICE, OFFICE, oldDay)).includes(oldStart);
    if (!freed) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.ok(freed, 'the old time is free again');
  assert.ok(!(await freeSlots(site.url, SERVICE, OFFICE, newDay)).includes(newStart), 'the new time is taken');
  const moved = await outboxMessages('booking-moved', contact);
  assert.equal(moved.length, 1, 'one "booking-moved" message in the outbox');
  assert.ok(moved[0].includes(path), 'the message links to the same booking page');

  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

test('axe: no violation on the move page (it, en), its error and the booking page after the move; none scrolls at 320 px', async () => {
  const [oldDay, newDay] = await twoDaysAhead();
  const contact = 'sposta-axe@esempio.it';
  // JavaScript on for axe, which runs in the page (with it off, axe never answers); the /p/ pages
  // have no script of their own, so they are the same either way.
  const context = await site.newContext({ viewport: WIDE });
  const page = await context.newPage();
  const { path } = await confirmedBooking(page, contact, oldDay, 2);

  /** axe at 1280 px, a screenshot, then no sideways scroll at 320 px. */
  const check = async (label) => {
    await expectNoAxeViolations(page, label);
    await screenshot(page, `moving-${label.replace(/\W+/g, '-')}-1280`);
    await page.setViewportSize(PHONE);
    await noHorizontalScroll(page, label);
    await screenshot(page, `moving-${label.replace(/\W+/g, '-')}-320`);
    await page.setViewportSize(WIDE);
  };

  await page.goto(`${path}/move?lang=en`);
  await page.getByRole('heading', { level: 1, name: 'Move the appointment' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByRole('button', { name: 'Send', exact: true }).waitFor();
  await page.getByRole('link', { name: 'Back', exact: true }).waitFor();
  await check('move page en');

  await page.goto(`${path}/move?lang=it`);
  await page.getByRole('heading', { level: 1, name: "Sposta l'appuntamento" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'it');
  assert.equal(await page.getByRole('link', { name: 'Indietro', exact: true }).getAttribute('href'), `${path}?lang=it`);
  await dayLink(page, newDay).click();
  await page.locator(`ul.days a[aria-current="date"][href*="date=${newDay}&"]`).waitFor();
  await check('move page it');

  // Sent without a time. The radios are `required`, so the browser itself stops the form: sent
  // as a browser without form validation would send it, the server says why, with role=alert.
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `${path}/move`),
    page.evaluate(() => document.querySelector('form[action$="/move"]').submit()),
  ]);
  assert.equal(refused.status(), 422);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal((await alert.innerText()).trim(), 'Scegli un giorno e un orario tra quelli proposti.');
  await page.getByRole('heading', { level: 1, name: "Sposta l'appuntamento" }).waitFor();
  assert.equal(await page.locator('form input[name="date"]').inputValue(), newDay, 'the same day is shown again');
  await check('move page it error');

  await page.getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Invia', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Appuntamento spostato' }).waitFor();
  assert.equal(await page.locator('#details-title + .facts time').getAttribute('datetime'), newDay);
  await check('booking page after the move it');

  // And in English, moved back to the first day.
  await page.goto(`${path}/move?lang=en&date=${oldDay}`);
  await page.getByRole('radio').first().check();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Appointment moved' }).waitFor();
  assert.equal(await page.locator('#details-title + .facts time').getAttribute('datetime'), oldDay);
  await check('booking page after the move en');

  assert.equal((await outboxMessages('booking-moved', contact)).length, 2, 'one message per move');
  assert.deepEqual(unexpectedProblems(context, [422]), []);
  await context.close();
});
