// axe-core on every step and page, in Italian and in English, with 0 violations allowed; and a
// screenshot of each at 390 px and 1280 px wide in tests/.artefacts/screenshots/ for a person to
// look at. The server-rendered /c/ and /p/ pages are checked the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './lib/browser.mjs';
import { serverAndBrowser } from './lib/fixture.mjs';
import { axeViolations, confirmationLink } from './lib/flow.mjs';

const site = serverAndBrowser();

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 390, height: 844 };

const TEXT = {
  it: {
    book: 'Prenota un appuntamento', search: 'Cerca un servizio', service: "Carta d'identità elettronica (CIE)",
    office: 'Scegli sede', slot: 'Scegli orario', details: 'Inserisci dati', next: 'Continua', summary: 'Riepilogo',
    send: 'Invia', done: 'Conferma', my: 'Le mie prenotazioni', contact: 'E-mail o cellulare', star: 'Valuta 4 stelle su 5',
    confirm: 'Conferma prenotazione', cancel: 'Annulla prenotazione', yes: 'Sì, annulla la prenotazione',
    name: 'Nome', surname: 'Cognome',
  },
  en: {
    book: 'Book an appointment', search: 'Search for a service', service: 'Electronic identity card (CIE)',
    office: 'Choose office', slot: 'Choose time', details: 'Your details', next: 'Continue', summary: 'Summary',
    send: 'Send', done: 'Confirmation', my: 'My bookings', contact: 'E-mail or mobile number', star: 'Rate 4 stars out of 5',
    confirm: 'Confirm booking', cancel: 'Cancel booking', yes: 'Yes, cancel the booking',
    name: 'Name', surname: 'Surname',
  },
};

/** Checks one page state: axe at the width given, screenshots at both widths. */
function checker(page, lang, found) {
  let n = 0;
  return async (label) => {
    n += 1;
    const name = `${lang}-${String(n).padStart(2, '0')}-${label}`;
    const violations = await axeViolations(page);
    if (violations.length) found.push(`${name}:\n    ${violations.join('\n    ')}`);
    await screenshot(page, `${name}-1280`);
    await page.setViewportSize(NARROW);
    await screenshot(page, `${name}-390`);
    await page.setViewportSize(WIDE);
  };
}

async function walk(lang) {
  const T = TEXT[lang];
  const found = [];
  const context = await site.newContext({ viewport: WIDE });
  const page = await context.newPage();
  const check = checker(page, lang, found);

  await page.goto(`/?lang=${lang}`);
  await page.getByRole('heading', { level: 1, name: T.book }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
  await check('home');

  for (const info of ['privacy', 'termini', 'accessibilita', 'faq', 'segnala-disservizio']) {
    await page.goto(`/${info}.html`);
    await page.locator('article:not([hidden]) h1').waitFor();
    assert.equal(await page.locator(`article[lang="${lang}"]`).isVisible(), true, `${info} in ${lang}`);
    await check(info);
  }

  await page.goto('/?view=my-bookings');
  await page.getByRole('heading', { level: 1, name: T.my }).waitFor();
  await check('my-bookings');
  await page.locator('#my-form button[type="submit"]').click();
  await page.locator('#my-errors').waitFor();
  await check('my-bookings-errors');
  await page.getByLabel(T.contact).fill('nessuno@esempio.it');
  await page.locator('label[for="my-accept"]').click();
  await page.locator('#my-form button[type="submit"]').click();
  await page.locator('#my-done').waitFor();
  await check('my-bookings-sent');

  await page.goto('/?step=service');
  await page.getByLabel(T.search).waitFor();
  await page.locator('.service-list').waitFor();
  await check('1-service');
  await page.getByLabel(T.search).fill('zzzz');
  await page.locator('.no-results').waitFor();
  await check('1-service-no-result');
  await page.getByLabel(T.search).fill('carta identita');
  await page.locator('.service-list > li').nth(1).waitFor({ state: 'detached' });
  await page.getByRole('button', { name: T.service }).click();
  await page.getByRole('heading', { name: T.office }).waitFor();
  await page.locator('.map-status:not([hidden])').waitFor();
  await check('2-office');
  await page.locator('.office-list button').first().click();
  await page.getByRole('heading', { name: T.slot }).waitFor();
  await check('3-slot');
  await page.locator('.slot-button').first().click();
  await page.getByRole('heading', { name: T.details }).waitFor();
  await check('4-details');
  await page.getByRole('button', { name: T.next }).click();
  await page.locator('#step-notice').waitFor();
  await check('4-details-errors');
  const contact = `a11y-${lang}@esempio.it`;
  await page.getByLabel(T.name, { exact: true }).fill('Lucia');
  await page.getByLabel(T.surname).fill('Neri');
  await page.getByLabel(T.contact).fill(contact);
  await page.locator('label[for="f-accept"]').click();
  await page.getByRole('button', { name: T.next }).click();
  await page.getByRole('heading', { name: T.summary }).waitFor();
  await check('4-summary');
  await page.getByRole('button', { name: T.send, exact: true }).click();
  await page.getByRole('heading', { name: T.done }).waitFor();
  await check('5-done');
  await page.getByRole('radio', { name: T.star }).focus();
  await page.keyboard.press('Space');
  await page.locator('#fb-positive').waitFor();
  await check('5-done-rating');

  const link = await confirmationLink(page, site.url, contact);
  await page.goto(`${link}?lang=${lang}`);
  await page.getByRole('button', { name: T.confirm }).waitFor();
  await check('c-confirm');
  await page.getByRole('button', { name: T.confirm }).click();
  await page.locator('.qr svg').waitFor();
  await check('p-booking');
  await page.getByRole('button', { name: T.cancel }).click();
  await page.getByRole('button', { name: T.yes }).waitFor();
  await check('p-cancel-confirm');
  await page.getByRole('button', { name: T.yes }).click();
  await page.locator('.notice-success').waitFor();
  await check('p-cancelled');

  await context.close();
  return found;
}

test('axe finds no violation on any step or page, in Italian', async () => {
  const found = await walk('it');
  assert.deepEqual(found, [], `axe violations:\n  ${found.join('\n  ')}`);
});

test('axe finds no violation on any step or page, in English', async () => {
  const found = await walk('en');
  assert.deepEqual(found, [], `axe violations:\n  ${found.join('\n  ')}`);
});
