// The waiting list ("Avvisami se si libera un posto") in the citizen's wizard, and the seat it
// offers. With two offices of one desk each (each time has one seat), so that a booked time really
// leaves the free slots and a full office really has none:
//  - under the free times of "Scegli orario", by keyboard alone (Tab, Enter, Space, typing: no
//    mouse, no click()) at 320×640, in Italian and in English: the button opens the form in the
//    page and moves the focus into it, the chosen office is checked, the days start today; an
//    incomplete form is told before anything is sent; the 202's message is shown in a status
//    region with the focus on it; axe finds nothing on the form, its errors and its answer;
//  - a problem of the server is shown beside its field (invalid_contact at the contact,
//    invalid_days at "Al") and linked from the summary at the top of the form;
//  - end to end: the north office full (its one booked time and every other time held), the
//    citizen asks from "Scegli sede" to be told, confirms the place on /w/, someone else cancels
//    the booked time, the server offers it to the waiting citizen in a message whose link opens
//    "Inserisci dati" for it (service, office, day, time, the countdown to the hold's expiry),
//    and the booking goes through as usual; the link, used, then says the offer is gone;
//  - an offer's link (a hold made through the API standing in for the offer's), by keyboard alone
//    at 320×640 in English, through "Your details", "Summary" and "Confirmation"; used, it is gone;
//  - an unknown offer (404) says so, in Italian and in English, with a link to book anew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './lib/browser.mjs';
import { ONE_DESK } from './lib/catalogue.mjs';
import { serverAndBrowser } from './lib/fixture.mjs';
import { expectNoAxeViolations, labelOverlaps, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { focusedName, tabTo } from './lib/keyboard.mjs';

// Two offices, one desk each; the north one opens half an hour a day, so it is soon full. The
// booking window is 20 days: the form's default days (today and 14 days more) fit in it.
const CATALOGUE = `${ONE_DESK.replace('desks = 1\n', 'desks = 1\nlatest_days = 20\n')}
[[offices]]
id = "sportello-nord"
name = "Sportello nord"
address = "Via Borgo Palazzo, 2, 24125 Bergamo BG"
lat = 45.6990
lon = 9.6780

[[offerings]]
office = "sportello-nord"
service = "cie"
slot_minutes = 30
desks = 1
latest_days = 20
[offerings.hours]
mon = ["09:00-09:30"]
tue = ["09:00-09:30"]
wed = ["09:00-09:30"]
thu = ["09:00-09:30"]
fri = ["09:00-09:30"]
`;

const site = serverAndBrowser({ catalogue: CATALOGUE });

const PHONE = { width: 320, height: 640 };
const WIDE = { width: 1280, height: 900 };
// The sender draws the waiting list and queues the offer within a few seconds of the cancellation.
const OFFER_WITHIN_MS = 30000;

const TEXT = {
  it: {
    slot: 'Scegli orario', heading: 'Nessun orario adatto?', open: 'Avvisami se si libera un posto',
    contact: 'E-mail o cellulare', accept: /^Accetto i termini/, submit: "Iscriviti alla lista d'attesa",
    errors: 'Correggi questi errori', sent: 'Richiesta ricevuta', confirm: "Conferma l'iscrizione",
    gone: "L'offerta non è più disponibile: il posto è stato prenotato o il tempo è scaduto.",
    again: 'Prenota un nuovo appuntamento', search: 'Cerca servizio',
  },
  en: {
    slot: 'Choose time', heading: 'No suitable time?', open: 'Tell me when a slot becomes free',
    contact: 'E-mail or mobile number', accept: /^I accept the terms/, submit: 'Join the waiting list',
    errors: 'Please correct these errors', sent: 'Request received', confirm: 'Confirm my place',
    gone: 'The offer is no longer available: the slot has been booked or the time has run out.',
    again: 'Book a new appointment', search: 'Find service',
  },
};

/** "2026-12-05": a calendar day in Bergamo. */
function todayInRome() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

async function post(path, body) {
  const response = await fetch(`${site.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function slotsOf(office, date) {
  const query = date ? `?date=${date}` : '';
  const response = await fetch(`${site.url}/api/services/cie/offices/${office}/slots${query}`);
  assert.equal(response.status, 200);
  return response.json();
}

/**
 * The first link of a message to `contact` in the outbox that matches `pattern`, asked again
 * every quarter of a second until `within` ms have passed (the sender writes some a moment later).
 */
async function linkFor(contact, pattern, within = 5000) {
  const deadline = Date.now() + within;
  for (;;) {
    const outbox = await (await fetch(`${site.url}/outbox`)).text();
    const articles = (outbox.match(/<article\b[\s\S]*?<\/article>/g) ?? []).filter((a) => a.includes(`data-recipient="${contact}"`));
    for (const article of articles) {
      const href = [...article.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&')).find((h) => pattern.test(h));
      if (href) return new URL(href);
    }
    if (Date.now() > deadline) assert.fail(`no link matching ${pattern} for ${contact} in the outbox: ${articles.join('\n') || '(no message)'}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The answer to the page's next POST /api/waiting-list. */
function nextJoin(page) {
  return page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/waiting-list');
}

/** The countdown's "mm:ss" or "h:mm:ss", in seconds. */
async function countdownSeconds(page) {
  const shown = await page.locator('#countdown-time').innerText();
  assert.match(shown, /^(\d+:)?\d\d:\d\d$/);
  return shown.split(':').map(Number).reduce((total, part) => total * 60 + part, 0);
}

/**
 * Fills the north office: the first day's time booked by `contact` and confirmed on its /c/ page
 * by `page` (which stays on the booking's page), every other free time held. Answers the booking.
 */
async function fillNorth(page, contact) {
  const { days } = await slotsOf('sportello-nord');
  assert.ok(days.length >= 2, `the north office has free days: ${days}`);
  const [first] = (await slotsOf('sportello-nord', days[0])).slots;
  const hold = await post('/api/holds', { service_id: 'cie', office_id: 'sportello-nord', date: days[0], start: first.start });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const sent = await post(`/api/holds/${hold.body.hold_id}/booking`, { name: 'Giulia', surname: 'Bianchi', contact, accept_terms: true });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  const link = await linkFor(contact, /\/c\/[A-Za-z0-9_-]+/);
  await page.goto(link.pathname + link.search);
  await page.getByRole('button', { name: 'Conferma prenotazione' }).click();
  await page.getByRole('heading', { name: 'La tua prenotazione' }).waitFor();
  for (const day of days.slice(1)) {
    for (const slot of (await slotsOf('sportello-nord', day)).slots) {
      const held = await post('/api/holds', { service_id: 'cie', office_id: 'sportello-nord', date: day, start: slot.start });
      assert.equal(held.status, 201, `${day} ${slot.start}: ${JSON.stringify(held.body)}`);
    }
  }
  assert.equal((await slotsOf('sportello-nord')).date, null, 'the north office has no free time left');
  return { date: days[0], start: first.start, end: first.end };
}

for (const lang of ['it', 'en']) {
  test(`(${lang}) "${TEXT[lang].open}" by keyboard alone at 320×640 under the free times: the form opens in the page, an incomplete one is told, the 202 is shown; axe finds nothing`, async () => {
    const T = TEXT[lang];
    const contact = `tastiera.${lang}@esempio.it`;
    const today = todayInRome();
    const { days } = await slotsOf('sportello-unico');
    const context = await site.newContext({ viewport: PHONE, hasTouch: false });
    const page = await context.newPage();
    const joins = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/waiting-list') joins.push(r.postDataJSON());
    });

    await page.goto(`/?service=cie&office=sportello-unico&lang=${lang}`);
    await page.getByRole('heading', { name: T.slot }).waitFor();
    await page.locator('.slot-button').first().waitFor();
    const box = page.getByRole('region', { name: T.heading });
    const toggle = box.getByRole('button', { name: T.open });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'the form starts closed');
    assert.equal(await page.locator('#waiting-panel').isHidden(), true);
    await noHorizontalScroll(page, `${lang} slot step with the waiting list closed`);

    // The button, after the times; Enter opens the form and moves the focus to its first field.
    await tabTo(page, new RegExp(`^${T.open}$`), 100);
    await page.keyboard.press('Enter');
    await page.locator('#waiting-form').waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.match(await focusedName(page), /^Sportello unico\b/, 'the focus is on the chosen office');
    assert.equal(await page.locator('#waiting-form input[value="sportello-unico"]').isChecked(), true, 'the chosen office is checked');
    assert.equal(await page.locator('#waiting-form input[value="sportello-nord"]').isChecked(), false, 'the other office is offered, unchecked');
    const to = [addDays(today, 14), days.at(-1)].sort()[0];
    assert.equal(await page.locator('#w-from').inputValue(), today, '"Dal" is today');
    assert.equal(await page.locator('#w-to').inputValue(), to, '"Al" is 14 days on, within the days that can be booked');
    assert.deepEqual(await labelOverlaps(page), [], `${lang} waiting form`);
    await noHorizontalScroll(page, `${lang} waiting form`);
    await expectNoAxeViolations(page, `${lang} waiting form`);
    await screenshot(page, `waiting-form-${lang}-320`);

    // Sent without the contact and the terms: told at the top and beside each, nothing sent.
    await tabTo(page, new RegExp(`^${T.submit}$`));
    await page.keyboard.press('Enter');
    const errors = page.getByRole('alert').filter({ hasText: T.errors });
    await errors.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'waiting-errors', 'the summary has the focus');
    assert.equal(await errors.locator('li').count(), 2, 'the contact and the terms');
    assert.equal(await page.locator('#w-contact').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#w-accept').getAttribute('aria-invalid'), 'true');
    assert.equal(joins.length, 0, 'nothing is sent while the form is incomplete');
    await noHorizontalScroll(page, `${lang} waiting form with errors`);
    await expectNoAxeViolations(page, `${lang} waiting form with errors`);

    // Filled by keyboard and sent: the server's message, with the focus on it.
    await tabTo(page, new RegExp(`^${T.contact}$`));
    await page.keyboard.type(contact);
    await tabTo(page, T.accept);
    await page.keyboard.press('Space');
    await tabTo(page, new RegExp(`^${T.submit}$`));
    const answered = nextJoin(page);
    await page.keyboard.press('Enter');
    const response = await answered;
    assert.equal(response.status(), 202);
    const { message } = await response.json();
    assert.ok(message, 'the 202 says something');
    assert.deepEqual(joins, [{ service_id: 'cie', office_ids: ['sportello-unico'], from: today, to, contact, accept_terms: true, lang }]);
    const sent = page.getByRole('status').filter({ hasText: T.sent });
    await sent.waitFor();
    const said = await sent.innerText();
    assert.ok(said.includes(message), `the server's message is shown: ${said}`);
    assert.ok(said.includes(T.confirm), `the citizen is told to confirm from the link: ${said}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'waiting-sent', 'the answer has the focus');
    await noHorizontalScroll(page, `${lang} waiting list joined`);
    await expectNoAxeViolations(page, `${lang} waiting list joined`);
    await screenshot(page, `waiting-joined-${lang}-320`);

    // Back to the button (just before the answer): it closes the panel, the focus staying on it.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusedName(page), T.open);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#waiting-toggle')?.getAttribute('aria-expanded') === 'false');
    assert.equal(await page.locator('#waiting-panel').isHidden(), true);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'waiting-toggle');
    assert.deepEqual(unexpectedProblems(context), []);
    await context.close();
  });
}

test('a problem of the server is shown beside its field and linked from the summary; days in the wrong order are told before sending', async () => {
  const today = todayInRome();
  const context = await site.newContext({ viewport: WIDE });
  const page = await context.newPage();
  await page.goto('/?service=cie&office=sportello-unico');
  await page.getByRole('button', { name: 'Avvisami se si libera un posto' }).click();
  await page.locator('#waiting-form').waitFor();
  const submit = page.getByRole('button', { name: "Iscriviti alla lista d'attesa" });

  // "Al" before "Dal": our own check, at "Al".
  await page.locator('#w-to').fill(addDays(today, -1));
  await page.locator('#w-contact').fill('maria@');
  await page.locator('label[for="w-accept"]').click(); // Bootstrap Italia draws the box on the label
  await submit.click();
  await page.locator('#w-to-error').waitFor();
  assert.equal(await page.locator('#w-to-error').innerText(), "L'ultimo giorno non può essere prima del primo.");
  assert.equal(await page.locator('#w-to').getAttribute('aria-invalid'), 'true');

  // A contact the server refuses: its problem's detail beside the contact, linked from the top.
  await page.locator('#w-to').fill(addDays(today, 7));
  let answered = nextJoin(page);
  await submit.click();
  let response = await answered;
  assert.equal(response.status(), 422);
  let problem = await response.json();
  assert.equal(problem.code, 'invalid_contact');
  assert.equal(problem.field, 'contact');
  const error = page.locator('#w-contact-error');
  await error.waitFor();
  assert.equal(await error.innerText(), problem.detail);
  assert.equal(await page.locator('#w-contact').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#w-contact').getAttribute('aria-describedby'), /\bw-contact-error\b/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'waiting-errors');
  await expectNoAxeViolations(page, 'waiting form, invalid_contact');
  await screenshot(page, 'waiting-invalid-contact-1280');
  await page.locator('#waiting-errors a[href="#w-contact"]').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'w-contact', 'the summary leads to the field');

  // Days past the booking window (20 days): the server's invalid_days, at "Al".
  await page.locator('#w-contact').fill('maria@esempio.it');
  await page.locator('#w-to').fill(addDays(today, 40));
  answered = nextJoin(page);
  await submit.click();
  response = await answered;
  assert.equal(response.status(), 422);
  problem = await response.json();
  assert.equal(problem.code, 'invalid_days');
  await page.locator('#w-to-error').waitFor();
  assert.equal(await page.locator('#w-to-error').innerText(), problem.detail);
  assert.equal(await page.locator('#w-contact').getAttribute('aria-invalid'), null, 'the contact is no longer marked');
  assert.deepEqual(unexpectedProblems(context, [422]), []);
  await context.close();
});

test('(en) an offer\'s link opens "Your details" for its held seat by keyboard alone at 320×640 (a hold made through the API stands in for the offer\'s): the countdown to its expiry, the usual flow to "Confirmation", then gone (409)', async () => {
  const { date } = await slotsOf('sportello-unico');
  const [slot] = (await slotsOf('sportello-unico', date)).slots;
  const hold = await post('/api/holds', { service_id: 'cie', office_id: 'sportello-unico', date, start: slot.start });
  assert.equal(hold.status, 201);
  const holdId = hold.body.hold_id;
  const contact = 'offerta.tastiera@esempio.it';
  const context = await site.newContext({ viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  const [asked] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/holds/${holdId}`),
    page.goto(`/?lang=en#offerta=${holdId}`),
  ]);
  assert.equal(asked.status(), 200);
  const held = await asked.json();
  assert.deepEqual(held.seats, [{ date, start: slot.start, end: slot.end }]);
  await page.getByRole('heading', { name: 'Your details' }).waitFor();
  assert.equal(new URL(page.url()).search, '?step=details');
  assert.equal(new URL(page.url()).hash, '', 'the hold id leaves the address');
  assert.match(await page.locator('#step-notice').innerText(), /^A slot has become free for you/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-notice', 'the notice has the focus');
  const chosen = await page.locator('#step-content .chosen').allInnerTexts();
  assert.match(chosen[0], /Electronic identity card \(CIE\)/);
  assert.match(chosen[1], /Sportello unico\s+Piazza Matteotti, 27/i);
  assert.match(chosen[2], new RegExp(`at ${slot.start}–${slot.end}`));
  await page.getByRole('timer').getByText('Time left to complete the booking').waitFor();
  const left = (Date.parse(held.expires_at) - Date.now()) / 1000;
  assert.ok(Math.abs((await countdownSeconds(page)) - left) < 15, `the countdown runs to ${held.expires_at}`);
  assert.deepEqual(await labelOverlaps(page), [], 'details of an offered seat');
  await noHorizontalScroll(page, 'en details of an offered seat');
  await expectNoAxeViolations(page, 'en details of an offered seat');
  await screenshot(page, 'waiting-offer-details-en-320');

  await tabTo(page, /^Name$/);
  await page.keyboard.type('Maria');
  await tabTo(page, /^Surname$/);
  await page.keyboard.type('Rossi');
  await tabTo(page, /^E-mail or mobile number$/);
  await page.keyboard.type(contact);
  await tabTo(page, /^I accept the terms/);
  await page.keyboard.press('Space');
  await tabTo(page, /^Continue$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Summary' }).waitFor();
  await tabTo(page, /^Send$/);
  const booked = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/holds/${holdId}/booking`);
  await page.keyboard.press('Enter');
  assert.equal((await booked).status(), 202);
  await page.getByRole('heading', { name: 'Confirmation', exact: true }).waitFor();
  await linkFor(contact, /\/c\/[A-Za-z0-9_-]+/);

  // Used: the same link now says the offer is gone.
  const [again] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === `/api/holds/${holdId}`),
    page.goto(`/?lang=en#offerta=${holdId}`),
  ]);
  assert.equal(again.status(), 409, 'a used hold is 409 already_submitted');
  await page.getByRole('alert').filter({ hasText: TEXT.en.gone }).waitFor();
  assert.equal(await page.getByRole('timer').isHidden(), true);
  assert.deepEqual(unexpectedProblems(context, [409]), []);
  await context.close();
});

test('end to end: asked from a full office, confirmed on /w/, a cancelled time offered by message, its #offerta= link booked through "Inserisci dati"; the link, used, says the offer is gone', async () => {
  const waiter = 'in.attesa@esempio.it';
  const other = 'altra.persona@esempio.it';
  const otherContext = await site.newContext();
  const otherPage = await otherContext.newPage();
  const booked = await fillNorth(otherPage, other);

  // "Scegli sede": the full office has no time, but can be waited for.
  const context = await site.newContext({ viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  await page.goto('/?service=cie');
  await page.getByRole('heading', { name: 'Scegli sede' }).waitFor();
  const north = page.locator('.office-item[data-office="sportello-nord"]');
  await north.getByText('Nessun orario libero nei prossimi giorni').waitFor();
  await noHorizontalScroll(page, 'Scegli sede with a full office');
  await expectNoAxeViolations(page, 'Scegli sede with a full office');
  await north.getByRole('button', { name: 'Avvisami se si libera un posto: Sportello nord' }).click();

  // "Scegli orario" at the north office: no time, the form open with the focus in it.
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  const box = page.getByRole('region', { name: "Lista d'attesa" });
  await box.locator('#waiting-form').waitFor();
  assert.equal(await box.getByRole('button', { name: 'Avvisami se si libera un posto' }).getAttribute('aria-expanded'), 'true');
  assert.ok((await page.locator('#step-content').innerText()).includes('Non ci sono orari liberi in questa sede'), 'no free time is said');
  assert.equal(await page.locator('#waiting-form input[value="sportello-nord"]').isChecked(), true);
  assert.equal(await page.locator('#waiting-form input[value="sportello-unico"]').isChecked(), false);
  assert.equal(await page.evaluate(() => document.activeElement?.name), 'office', 'the focus is on the first office');
  await noHorizontalScroll(page, 'waiting list at a full office');
  await expectNoAxeViolations(page, 'waiting list at a full office');
  await screenshot(page, 'waiting-full-office-320');
  await page.getByLabel('E-mail o cellulare').fill(waiter);
  await page.locator('label[for="w-accept"]').click();
  const answered = nextJoin(page);
  await page.getByRole('button', { name: "Iscriviti alla lista d'attesa" }).click();
  assert.equal((await answered).status(), 202);
  await page.locator('#waiting-sent').waitFor();

  // The place is confirmed from the link of the message.
  const place = await linkFor(waiter, /\/w\/[A-Za-z0-9_-]+/);
  await page.goto(place.pathname + place.search);
  await page.getByRole('button', { name: "Conferma l'iscrizione" }).click();
  await page.getByText("Iscrizione confermata: sei in lista d'attesa.").waitFor();

  // Someone else cancels the north office's booked time: the sender offers it to the waiter.
  await otherPage.getByRole('button', { name: 'Annulla prenotazione' }).click();
  await otherPage.getByRole('button', { name: 'Sì, annulla la prenotazione' }).click();
  await otherPage.getByRole('heading', { name: 'Prenotazione annullata' }).waitFor();
  await otherContext.close();
  const offer = await linkFor(waiter, /#offerta=/, OFFER_WITHIN_MS);
  assert.equal(offer.pathname, '/');
  assert.equal(offer.searchParams.get('lang'), 'it');
  const holdId = offer.hash.slice('#offerta='.length);
  const held = await (await fetch(`${site.url}/api/holds/${holdId}`)).json();
  assert.equal(held.service_id, 'cie');
  assert.equal(held.office_id, 'sportello-nord');
  assert.deepEqual(held.seats, [{ date: booked.date, start: booked.start, end: booked.end }], 'the cancelled time is offered');

  // The offer's link: "Inserisci dati" for that time, the countdown to the hold's expiry.
  await page.goto(offer.pathname + offer.search + offer.hash);
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  assert.equal(new URL(page.url()).search, '?step=details');
  assert.equal(new URL(page.url()).hash, '', 'the hold id leaves the address');
  const notice = page.locator('#step-notice');
  assert.match(await notice.innerText(), /^Si è liberato un posto per te/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-notice', 'the notice has the focus');
  const chosen = await page.locator('#step-content .chosen').allInnerTexts();
  assert.match(chosen[0], /Carta d'identità elettronica \(CIE\)/);
  assert.match(chosen[1], /Sportello nord\s+Via Borgo Palazzo, 2/i);
  assert.match(chosen[2], new RegExp(`ore ${booked.start}–${booked.end}`));
  const day = new Intl.DateTimeFormat('it-IT', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${booked.date}T12:00:00Z`));
  assert.ok(chosen[2].includes(day), `the day is shown: ${chosen[2]} (${day})`);
  await page.getByRole('timer').getByText('Tempo per completare la prenotazione').waitFor();
  const left = (Date.parse(held.expires_at) - Date.now()) / 1000;
  assert.ok(Math.abs((await countdownSeconds(page)) - left) < 15, `the countdown runs to ${held.expires_at}`);
  await noHorizontalScroll(page, 'details of an offered seat');
  await expectNoAxeViolations(page, 'details of an offered seat');
  await screenshot(page, 'waiting-offer-details-320');

  // The usual flow: details, "Riepilogo", INVIA, "Conferma".
  await page.getByLabel('Nome', { exact: true }).fill('Maria');
  await page.getByLabel('Cognome').fill('Rossi');
  await page.locator('#f-contact').fill(waiter);
  await page.locator('label[for="f-accept"]').click();
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByRole('heading', { name: 'Riepilogo' }).waitFor();
  const [booking] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/holds/${holdId}/booking`),
    page.getByRole('button', { name: 'Invia' }).click(),
  ]);
  assert.equal(booking.status(), 202);
  await page.getByRole('heading', { name: 'Conferma', exact: true }).waitFor();
  await linkFor(waiter, /\/c\/[A-Za-z0-9_-]+/);

  // The offer's link once used: gone, with a way to book anew.
  const [again] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === `/api/holds/${holdId}`),
    page.goto(offer.pathname + offer.search + offer.hash),
  ]);
  assert.equal(again.status(), 409, 'a used hold is 409 already_submitted');
  await page.getByText(TEXT.it.gone).waitFor();
  assert.equal(await page.getByRole('timer').isHidden(), true);
  await page.getByRole('link', { name: TEXT.it.again }).click();
  await page.getByRole('heading', { name: TEXT.it.search }).waitFor();
  assert.deepEqual(unexpectedProblems(context, [409]), []);
  await context.close();
});

for (const lang of ['it', 'en']) {
  test(`(${lang}) an unknown offer says it is gone, by keyboard to a new booking at 320 px; axe finds nothing`, async () => {
    const T = TEXT[lang];
    const context = await site.newContext({ viewport: PHONE, hasTouch: false });
    const page = await context.newPage();
    const [asked] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/api/holds/')),
      page.goto(`/?lang=${lang}#offerta=AAAAAAAAAAAAAAAAAAAAAA`),
    ]);
    assert.equal(asked.status(), 404);
    assert.equal((await asked.json()).code, 'hold_not_found');
    const notice = page.getByRole('alert').filter({ hasText: T.gone });
    await notice.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-notice', 'the notice has the focus');
    await noHorizontalScroll(page, `${lang} offer gone`);
    await expectNoAxeViolations(page, `${lang} offer gone`);
    await screenshot(page, `waiting-offer-gone-${lang}-320`);
    await tabTo(page, new RegExp(`^${T.again}$`));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: T.search }).waitFor();
    assert.deepEqual(unexpectedProblems(context, [404]), []);
    await context.close();
  });
}
