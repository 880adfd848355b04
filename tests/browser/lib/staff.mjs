// What the counter tests share: a catalogue whose office is open all day every day (so that a
// booking of today can always be checked in, whatever the hour the tests run), the operator's
// account (made with `prenota staff add … --password-stdin` before the server starts), a citizen's
// confirmed booking with its QR code as a picture, and signing in to /sportello/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTEFACTS } from './browser.mjs';
import { bookUpToSummary, confirmationLink } from './flow.mjs';
import { focusedName } from './keyboard.mjs';

export const OPERATOR = { email: 'op@comune.bergamo.it', password: 'sportello-di-prova-2026' };

/** The server's `commands` option that creates the operator of ufficio-1. */
export function operatorAccount({ email, password } = OPERATOR) {
  return {
    args: ['staff', 'add', email, '--role', 'operator', '--office', 'ufficio-1', '--password-stdin'],
    input: `${password}\n`,
  };
}

const ALL_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => `${day} = ["00:00-23:50"]`).join('\n');

const SERVICE = (id, it, en) => `
[[services]]
id = "${id}"
name = { it = "${it}", en = "${en}" }
summary = { it = "Servizio di prova.", en = "A test service." }
synonyms = []
terms = { it = "Una persona per prenotazione.", en = "One person per booking." }
access_rules = { it = "Mostrare il codice QR all'ingresso.", en = "Show the QR code at the entrance." }
what_to_bring = { it = ["Documento di identità"], en = ["Identity document"] }
`;

const OFFERING = (service) => `
[[offerings]]
office = "ufficio-1"
service = "${service}"
slot_minutes = 10
desks = 4
earliest_working_days = 0
[offerings.hours]
${ALL_DAY}
`;

/**
 * ufficio-1 open from 00:00 to 23:50 every day, bookable the same day, 10-minute slots: the first
 * free slot is minutes away at any hour but the last ten minutes of the day and on holidays.
 */
export const ALL_DAY_CATALOGUE = `
[city]
name = "Comune di Bergamo"
patron_day = "08-26"

[[offices]]
id = "ufficio-1"
name = "Ufficio 1"
address = "Via Monte Grappa, 1/E, 24121 Bergamo BG"
lat = 45.6960
lon = 9.6690
${SERVICE('cie', "Carta d'identità elettronica (CIE)", 'Electronic identity card (CIE)')}
${SERVICE('certificati-anagrafici', 'Certificati anagrafici', 'Registry certificates')}
${OFFERING('cie')}
${OFFERING('certificati-anagrafici')}
`;

/** Today's date in Bergamo, YYYY-MM-DD. */
export function todayInRome() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

/**
 * A citizen books the first free slot of cie at ufficio-1 through the wizard and confirms it from
 * the outbox's link. Answers { date, start, shortCode, qrPicture } where shortCode is as the
 * booking page prints it (K7MX-4QPR) and qrPicture the path of a PNG of the page's QR code.
 */
export async function confirmedBooking(site, person, label) {
  const context = await site.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await bookUpToSummary(page, person);
  const slot = await page.evaluate(() => JSON.parse(sessionStorage.getItem('prenota.wizard')).slot);
  await page.getByRole('button', { name: 'Invia' }).click();
  await page.getByRole('heading', { name: 'Conferma' }).waitFor();
  await page.goto(await confirmationLink(page, site.url, person.contact));
  await page.getByRole('button', { name: 'Conferma prenotazione' }).click();
  await page.locator('.qr svg').waitFor();
  const shortCode = (await page.locator('.short-code [aria-hidden="true"]').innerText()).trim();
  assert.match(shortCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  const dir = join(ARTEFACTS, 'camera');
  await mkdir(dir, { recursive: true });
  const qrPicture = join(dir, `${label}.png`);
  await page.locator('.qr svg').screenshot({ path: qrPicture });
  await context.close();
  return { date: slot.date, start: slot.start, shortCode, qrPicture };
}

/**
 * Signs in on /sportello/ (or another staff page: `path` and its sign-in `heading`) with the mouse
 * and waits for the page.
 */
export async function signIn(page, { email, password } = OPERATOR, { path = '/sportello/', heading = 'Accedi allo sportello' } = {}) {
  await page.goto(path);
  await page.getByRole('heading', { name: heading }).waitFor();
  await page.getByLabel('E-mail di lavoro').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Accedi', exact: true }).click();
  await page.getByText(`Hai effettuato l'accesso come ${email}`).waitFor();
}

/** The text the polite live region says, once it says something matching `pattern`. */
export async function announced(page, pattern, timeout = 5000) {
  const region = page.locator('#announcer');
  await region.filter({ hasText: pattern }).waitFor({ timeout });
  return region.innerText();
}

/** Presses Shift+Tab until the focused element's name matches `wanted`; fails after `max` presses. */
export async function shiftTabTo(page, wanted, max = 60) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Shift+Tab');
    const name = await focusedName(page);
    if (wanted.test(name)) return name;
    seen.push(name);
  }
  throw new Error(`Shift+Tab never reached ${wanted}; focus went through: ${seen.join(' | ')}`);
}
