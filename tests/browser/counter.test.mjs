// The counter's day (docs/counter.md), in Italian: a citizen books and confirms through the
// wizard; at the office the clerk signs in on /sportello/, scans the booking's QR code with the
// camera (a Chromium whose fake camera plays a video of the booking page's QR code), sees the
// signature checked in the page and the ticket, calls the citizen, who appears on the
// waiting-room display /display/ufficio-1 within 2 s, and records "served". Also: a check-in by
// short code with the keyboard alone on a 320 px phone, a visitor without a booking, the display
// without server-sent events, axe on the counter and the display, and never a name on the display.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { newContext, screenshot } from './lib/browser.mjs';
import { launchWithCamera, videoOfPicture } from './lib/camera.mjs';
import { serverAndBrowser } from './lib/fixture.mjs';
import { expectNoAxeViolations, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { tabTo } from './lib/keyboard.mjs';
import {
  ALL_DAY_CATALOGUE, OPERATOR, announced, confirmedBooking, operatorAccount, shiftTabTo, signIn, todayInRome,
} from './lib/staff.mjs';

const site = serverAndBrowser({
  catalogue: ALL_DAY_CATALOGUE,
  env: { PRENOTA_CHECKIN_EARLY: '24h' },
  commands: [operatorAccount()],
});

const WIDE = { width: 1280, height: 900 };
// Every name a citizen gives in this file: none may ever reach the display.
const NAMES = ['Lucia', 'Verdiani', 'Tommaso', 'Brambilla', 'Ettore', 'Bellini'];
// The one HTTP error the counter page provokes by design: GET /api/staff/me before signing in.
const EXPECTED_STATUSES = [401];

let cameraBrowser = null;
after(async () => { await cameraBrowser?.close(); });

/** Skips a test whose booking could not be for today (a holiday, or the last minutes of the day). */
function forToday(t, booking) {
  if (booking.date === todayInRome()) return true;
  t.skip(`the first free slot is on ${booking.date}, not today: nothing to check in`);
  return false;
}

function displayText(page) {
  return page.locator('body').innerText();
}

test('a QR code scanned by the camera: signature, ticket, call on the display within 2 s, served', async (t) => {
  const citizen = { name: 'Lucia', surname: 'Verdiani', contact: 'lucia.verdiani@esempio.it' };
  const booking = await confirmedBooking(site, citizen, 'booking-qr');
  if (!forToday(t, booking)) return;

  cameraBrowser = await launchWithCamera(await videoOfPicture(booking.qrPicture, 'booking-qr'));
  const context = await newContext(cameraBrowser, site.url, { viewport: WIDE });
  const page = await context.newPage();
  await signIn(page);
  await page.getByLabel('Sportello', { exact: true }).fill('3');
  await page.locator('#agenda-body tr[data-state="confirmed"]').first().waitFor();
  assert.match(await page.locator('#agenda-body').innerText(), new RegExp(booking.shortCode));
  assert.match(await page.locator('#agenda-body').innerText(), /Lucia Verdiani/);
  await expectNoAxeViolations(page, 'the counter page, signed in');
  await screenshot(page, 'counter-signed-in-1280');

  // The waiting room, opened before anyone is called: another machine, so another browser (a
  // second page of the same window would be a background tab, whose clicks wait for frames).
  const kiosk = await site.newContext({ viewport: WIDE });
  const display = await kiosk.newPage();
  await display.goto('/display/ufficio-1');
  await display.getByRole('heading', { name: 'Chiamata in corso' }).waitFor();

  // Scan: the signature is checked in the page first, then the API gives the state and ticket.
  const policy = (await page.request.get('/sportello/')).headers()['permissions-policy'] ?? '';
  assert.doesNotMatch(policy, /camera=\(\)/,
    `the server forbids the camera on /sportello/ (Permissions-Policy: ${policy}); scanning needs camera=(self) there`);
  const checkInRequest = page.waitForRequest((r) => r.url().includes('/api/staff/check-ins'));
  await page.getByRole('button', { name: 'Scansiona con la fotocamera' }).click();
  const token = (await checkInRequest).postDataJSON().token;
  assert.match(token, /^PRN1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'the QR code read by the camera is sent as a token');
  await page.locator('#sig-status').filter({ hasText: 'Firma valida, stato da verificare' }).waitFor({ timeout: 15000 });
  assert.match(await page.locator('#sig-booking').innerText(), new RegExp(`Prenotazione ${booking.shortCode}, .* alle ${booking.start}`));
  const ticketLocator = page.locator('#checkin-state .ticket');
  await ticketLocator.waitFor();
  const ticket = (await ticketLocator.innerText()).trim();
  assert.match(ticket, /^A\d{3}$/);
  assert.match(await announced(page, /Arrivo registrato/), new RegExp(`Biglietto ${ticket}`));
  assert.equal(await page.locator('#scanner').isHidden(), true, 'the camera is closed after a code is read');
  await page.locator('#agenda-body tr[data-state="checked_in"]').first().waitFor();
  await display.locator('#waiting').filter({ hasText: '1' }).waitFor({ timeout: 3000 });

  // Call: on the display within 2 s, newest first, announced; the clerk sees the person.
  const calledAt = Date.now();
  await page.getByRole('button', { name: 'Chiama il prossimo' }).click();
  await display.locator('.kiosk-ticket').filter({ hasText: ticket }).waitFor({ timeout: 2000 });
  const elapsed = Date.now() - calledAt;
  assert.ok(elapsed <= 2000, `the call reached the display in ${elapsed} ms`);
  assert.match(await display.locator('.kiosk-call').innerText(), new RegExp(`${ticket}[\\s\\S]*Sportello\\s+3`));
  await display.locator('#announcer').filter({ hasText: `Biglietto ${ticket}, sportello 3.` }).waitFor();
  assert.equal(await display.locator('#waiting').innerText(), '0');
  assert.match(await page.locator('#current').innerText(), new RegExp(`${ticket}[\\s\\S]*Lucia Verdiani`));
  await announced(page, new RegExp(`Chiamato il biglietto ${ticket} allo sportello 3`));

  // The display never shows a name or a booking code.
  const shown = await displayText(display);
  for (const name of NAMES) assert.ok(!shown.includes(name), `the display shows "${name}":\n${shown}`);
  assert.ok(!shown.includes(booking.shortCode) && !shown.includes(booking.shortCode.replace('-', '')), 'the display shows the booking code');
  await expectNoAxeViolations(display, 'the display');
  await screenshot(display, 'display-called-1280');

  // Served: the call panel empties, the agenda says so.
  await page.getByRole('button', { name: 'Servito', exact: true }).click();
  await announced(page, `Prenotazione ${booking.shortCode}: servito.`);
  await page.locator('#current').filter({ hasText: 'Nessun cittadino in chiamata' }).waitFor();
  await page.locator('#agenda-body tr[data-state="served"]').filter({ hasText: booking.shortCode }).waitFor();
  await expectNoAxeViolations(page, 'the counter page after a call');

  // The same code from a USB reader (typed, then Enter) while the network is down: the signature
  // is still checked and the booking's code, date and time stay on screen.
  await page.route('**/api/staff/check-ins*', (route) => route.abort());
  await page.getByLabel('Codice QR o codice di prenotazione').fill(token);
  await page.getByLabel('Codice QR o codice di prenotazione').press('Enter');
  await page.locator('#checkin-state').filter({ hasText: 'Impossibile contattare il servizio' }).waitFor();
  assert.equal(await page.locator('#sig-status').innerText(), 'Firma valida, stato da verificare');
  assert.match(await page.locator('#sig-booking').innerText(), new RegExp(`${booking.shortCode}, .* alle ${booking.start}`));
  await page.unroute('**/api/staff/check-ins*');
  // A forged code (one character of its payload changed) never reaches the API.
  const [head, payload, signature] = token.split('.');
  const forged = `${head}.${payload.slice(0, -2)}${payload.at(-2) === 'A' ? 'B' : 'A'}${payload.at(-1)}.${signature}`;
  let asked = false;
  page.on('request', (r) => { if (r.url().includes('/api/staff/check-ins')) asked = true; });
  await page.getByLabel('Codice QR o codice di prenotazione').fill(forged);
  await page.getByLabel('Codice QR o codice di prenotazione').press('Enter');
  await page.locator('#sig-status').filter({ hasText: /^Firma non valida|^Questo codice QR non è un codice di Prenota/ }).waitFor();
  assert.equal(asked, false, 'a code whose signature fails is not sent');

  assert.deepEqual(unexpectedProblems(context, EXPECTED_STATUSES), []);
  assert.deepEqual(unexpectedProblems(kiosk), []);
  await kiosk.close();
  await context.close();
});

test('a check-in by short code with the keyboard alone, at 320 px', async (t) => {
  const citizen = { name: 'Tommaso', surname: 'Brambilla', contact: 'tommaso.brambilla@esempio.it' };
  const booking = await confirmedBooking(site, citizen, 'booking-keyboard');
  if (!forToday(t, booking)) return;

  const context = await site.newContext({ viewport: { width: 320, height: 640 }, hasTouch: false });
  const page = await context.newPage();
  await page.goto('/sportello/');
  await page.getByRole('heading', { name: 'Accedi allo sportello' }).waitFor();
  await noHorizontalScroll(page, 'counter sign-in');

  // A wrong password: the API's problem detail is shown and focused.
  await tabTo(page, /^E-mail di lavoro$/);
  await page.keyboard.type(OPERATOR.email);
  await tabTo(page, /^Password$/);
  await page.keyboard.type('not-the-password');
  await page.keyboard.press('Enter');
  const refusal = page.locator('#signin-error');
  await refusal.waitFor();
  assert.ok((await refusal.innerText()).trim().length > 5, 'the 401 detail is shown');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'signin-error');

  await tabTo(page, /^Password$/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(OPERATOR.password);
  await page.keyboard.press('Enter');
  await page.getByText(`Hai effettuato l'accesso come ${OPERATOR.email}`).waitFor();
  await noHorizontalScroll(page, 'counter signed in');

  await tabTo(page, /^Sportello$/);
  await page.keyboard.type('2');
  await tabTo(page, /^Codice QR o codice di prenotazione$/);
  await page.keyboard.type(booking.shortCode.toLowerCase());
  await page.keyboard.press('Enter');
  await page.locator('#checkin-state .ticket').waitFor();
  const ticket = (await page.locator('#checkin-state .ticket').innerText()).trim();
  assert.match(ticket, /^A\d{3}$/);
  assert.match(await announced(page, /Arrivo registrato/), /Tommaso Brambilla/);
  assert.equal(await page.locator('#sig-status').isHidden(), true, 'no signature to check for a typed code');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'checkin-code', 'ready for the next code');
  await noHorizontalScroll(page, 'counter after a check-in');

  await tabTo(page, /^Chiama il prossimo$/);
  await page.keyboard.press('Enter');
  await page.locator('#current .ticket').filter({ hasText: ticket }).waitFor();
  await announced(page, new RegExp(`Chiamato il biglietto ${ticket} allo sportello 2`));
  await noHorizontalScroll(page, 'counter calling');
  await tabTo(page, /^Servito$/);
  await page.keyboard.press('Enter');
  await announced(page, /servito\./);
  await noHorizontalScroll(page, 'counter served');
  await screenshot(page, 'counter-keyboard-320');

  await shiftTabTo(page, /^Esci$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Accedi allo sportello' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Accedi allo sportello' }).waitFor();

  assert.deepEqual(unexpectedProblems(context, EXPECTED_STATUSES), []);
  await context.close();
});

test('a visitor without a booking gets a ticket; the display, without server-sent events, never shows a name', async () => {
  const context = await site.newContext({ viewport: WIDE });
  const page = await context.newPage();
  await signIn(page);
  await page.getByLabel('Sportello', { exact: true }).fill('4');

  await page.getByRole('button', { name: 'Utente senza prenotazione' }).click();
  await page.getByRole('heading', { name: 'Utente senza prenotazione' }).waitFor();
  const service = page.getByLabel('Servizio', { exact: true });
  await service.locator('option[value="certificati-anagrafici"]').waitFor({ state: 'attached' });
  await service.selectOption('certificati-anagrafici');
  await page.getByLabel('Nome (facoltativo)', { exact: true }).fill('Ettore');
  await page.getByLabel('Cognome (facoltativo)').fill('Bellini');
  await page.getByLabel('E-mail o cellulare (facoltativo)').fill('ettore.bellini@esempio.it');
  await page.getByRole('button', { name: 'Registra e dai il biglietto' }).click();
  const result = page.locator('#walkin-result');
  await result.locator('.ticket').waitFor();
  const ticket = (await result.locator('.ticket').innerText()).trim();
  assert.match(ticket, /^S\d{3}$/);
  await announced(page, new RegExp(`Biglietto ${ticket}`));
  await expectNoAxeViolations(page, 'the counter page with a walk-in ticket');

  // A display whose event stream cannot connect (as on AWS): it asks every second instead.
  const kiosk = await site.newContext({ viewport: WIDE, locale: 'en-GB' });
  await kiosk.route('**/display/events*', (route) => route.abort());
  const display = await kiosk.newPage();
  await display.goto('/display/ufficio-1');
  await display.getByRole('heading', { name: 'Now calling' }).waitFor();
  assert.equal(await display.evaluate(() => document.documentElement.lang), 'en');

  // Whoever else still waits is called first; the walk-in's turn comes within a few calls.
  for (let calls = 0; calls < 4; calls += 1) {
    const calledAt = Date.now();
    await page.getByRole('button', { name: 'Chiama il prossimo' }).click();
    const current = page.locator('#current .ticket');
    await current.waitFor();
    const called = (await current.innerText()).trim();
    await display.locator('.kiosk-ticket').filter({ hasText: called }).waitFor({ timeout: 2000 });
    assert.ok(Date.now() - calledAt <= 2000, 'polling shows the call within 2 s');
    if (called === ticket) break;
    await page.getByRole('button', { name: 'Servito', exact: true }).click();
    await page.locator('#current').filter({ hasText: 'Nessun cittadino in chiamata' }).waitFor();
  }
  await display.locator('.kiosk-ticket').filter({ hasText: ticket }).waitFor();
  assert.match(await display.locator('.kiosk-call').innerText(), new RegExp(`${ticket}[\\s\\S]*Desk\\s+4`));
  const shown = await displayText(display);
  for (const name of NAMES) assert.ok(!shown.includes(name), `the display shows "${name}":\n${shown}`);
  await expectNoAxeViolations(display, 'the display in English');
  await display.setViewportSize({ width: 320, height: 640 });
  await noHorizontalScroll(display, 'display at 320 px');

  // The counter in English: the header's switch translates it, axe finds nothing there either.
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Counter' }).waitFor();
  await page.getByRole('button', { name: 'Call the next one' }).waitFor();
  assert.match(await page.locator('#who').innerText(), /^Signed in as op@comune\.bergamo\.it \(operator\)$/);
  await page.locator('#agenda-caption').filter({ hasText: /^Bookings at Ufficio 1, / }).waitFor();
  await expectNoAxeViolations(page, 'the counter page in English');

  assert.deepEqual(unexpectedProblems(context, EXPECTED_STATUSES), []);
  await kiosk.close();
  await context.close();
});

test('choosing a password: without the code from the link the page says so; a used code is refused', async () => {
  const context = await site.newContext({ viewport: { width: 320, height: 640 } });
  let page = await context.newPage();
  await page.goto('/sportello/password.html');
  await page.getByRole('alert').filter({ hasText: 'Il link è incompleto' }).waitFor();
  await noHorizontalScroll(page, 'password page');

  // A fresh page: a change of the fragment alone would not load the page again.
  await page.close();
  page = await context.newPage();
  await page.goto('/sportello/password.html#codice-inventato');
  await page.getByLabel('Nuova password').fill('corta');
  await page.getByLabel('Ripeti la password').fill('corta');
  await page.getByRole('button', { name: 'Salva la password' }).click();
  await page.locator('#pw-new-error').filter({ hasText: 'almeno 12 caratteri' }).waitFor();
  await page.getByLabel('Nuova password').fill('una frase lunga da ricordare');
  await page.getByLabel('Ripeti la password').fill('una frase lunga da ricordare');
  await page.getByRole('button', { name: 'Salva la password' }).click();
  await page.getByRole('alert').filter({ hasNotText: 'Correggi' }).waitFor();
  assert.ok((await page.getByRole('alert').innerText()).trim().length > 5, 'the 404 detail is shown');
  await expectNoAxeViolations(page, 'the password page');
  assert.deepEqual(unexpectedProblems(context, [404]), []);
  await context.close();
});
