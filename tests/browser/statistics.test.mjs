// "Gestione sedi — Statistiche" (/gestione/statistiche/) and "Dati aperti" (/open-data/) on
// Bergamo's catalogue, over a day at Ufficio 1 seeded through the API with the server's
// development clock moved forward by restarts on the same data (PRENOTA_DEV_NOW):
//  - Thursday 3 December 2026: eight citizens book CIE for Friday through the JSON API (08:30 ×4,
//    09:00 ×4) and confirm from the outbox's links; one cancels from the booking page;
//  - Friday: the operator checks in one citizen at 08:00, two at 08:10, three at 08:20, calls five
//    at 08:30 (waits of 30, 20, 20, 10 and 10 minutes), records two "Servito" at 08:45, two more
//    and one "Non presentato" at 09:15 (service times of 15, 15, 45 and 45 minutes), and takes a
//    visitor without a booking; one checked-in citizen is never called, one booked never comes;
//  - Monday 7 December: Friday is over (the one who never came is a no-show).
// Then:
// 1. a manager signs in by keyboard at 320 px; the default period (the server's last 30 days) fills
//    "Dal" and "Al"; the period form by keyboard alone shows Friday: the tables hold the seeded
//    counts and times in minutes, the two charts are drawn by Chart.js served from our origin
//    (no request to another origin), each canvas says what it shows; "Scarica CSV" downloads
//    Friday's rows, which match the table; a wrong period is told beside its field; axe finds
//    nothing in Italian and English at 320 px; an operator is told the page is not theirs;
// 2. /open-data/ (linked from the footer as "Dati aperti" / "Open data"): axe in Italian and
//    English at 320 px, the links to this month's CSV and JSON and to the DCAT-AP_IT record, the
//    month picker's links (and its form without JavaScript); the JSON it links has Friday's row
//    with no count from 1 to 4 and none of the citizens' names, e-mail addresses or numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { screenshot } from './lib/browser.mjs';
import { serverAndBrowser } from './lib/fixture.mjs';
import { expectNoAxeViolations, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { focusedName, tabTo, typeDate } from './lib/keyboard.mjs';
import { OPERATOR, operatorAccount, signIn as signInAt } from './lib/staff.mjs';

const THURSDAY = '2026-12-03T10:00:00+01:00';
const FRIDAY = '2026-12-04';
const friday = (time) => `${FRIDAY}T${time}:00+01:00`;
const MONDAY = '2026-12-07T09:00:00+01:00';
// The server's default period on Monday: the last 30 days to today.
const DEFAULT_FROM = '2026-11-08';
const DEFAULT_TO = '2026-12-07';
const OFFICE = 'ufficio-1';
const SERVICE = 'cie';

const MANAGER = { email: 'responsabile.statistiche@comune.bergamo.it', password: 'statistiche-di-prova-2026' };

const site = serverAndBrowser({
  env: { PRENOTA_DEV_NOW: THURSDAY },
  commands: [
    { args: ['staff', 'add', MANAGER.email, '--role', 'manager', '--office', OFFICE, '--password-stdin'], input: `${MANAGER.password}\n` },
    operatorAccount(),
  ],
});

const PHONE = { width: 320, height: 640 };
// GET /api/staff/me before signing in answers 401 by design.
const EXPECTED = [401];

/** The citizens of Friday: A–D at 08:30, E–H at 09:00; some give a mobile number. */
const CITIZENS = [
  { name: 'Annalisa', surname: 'Carminati', contact: 'annalisa.carminati@esempio.it', start: '08:30' },
  { name: 'Bortolo', surname: 'Pesenti', contact: '+393331112233', start: '08:30' },
  { name: 'Caterina', surname: 'Locatelli', contact: 'caterina.locatelli@esempio.it', start: '08:30' },
  { name: 'Duilio', surname: 'Gamba', contact: '+393479988776', start: '08:30' },
  { name: 'Elvira', surname: 'Ravasio', contact: 'elvira.ravasio@esempio.it', start: '09:00' },
  { name: 'Fermo', surname: 'Zanchi', contact: 'fermo.zanchi@esempio.it', start: '09:00' },
  { name: 'Gianna', surname: 'Mazzoleni', contact: '+393285554433', start: '09:00' },
  { name: 'Ilario', surname: 'Cortinovis', contact: 'ilario.cortinovis@esempio.it', start: '09:00' },
];
const WALK_IN = { name: 'Liliana', surname: 'Vavassori', contact: 'liliana.vavassori@esempio.it' };
/** Every piece of the citizens' data that must never reach the open data. */
const PERSONAL = [...CITIZENS, WALK_IN].flatMap(({ name, surname, contact }) => [name, surname, contact, contact.replace(/^\+39/, '')]);

/** Friday as the seed leaves it, once the day is over (Monday). */
const SEEDED = {
  booked: 9, walk_ins: 1, confirmed: 8, cancelled: 1, displaced: 0, checked_in: 7, served: 4, no_shows: 1,
  wait: { count: 5, median_min: 20, p90_min: 30 },
  service_time: { count: 4, median_min: 15, p90_min: 45 },
};

// ---------------------------------------------------------------------------------------------
// The seed, through the API
// ---------------------------------------------------------------------------------------------

async function post(path, body, headers = {}) {
  const response = await fetch(`${site.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** The outbox's messages of `kind` to `contact`, newest first, as the outbox page lists them. */
async function outboxMessages(kind, contact) {
  const outbox = await (await fetch(`${site.url}/outbox`)).text();
  const articles = outbox.match(/<article\b[\s\S]*?<\/article>/g) ?? [];
  return articles.filter((a) => a.includes(`data-kind="${kind}"`) && a.includes(`data-recipient="${contact}"`));
}

function pathIn(message, prefix) {
  return message?.match(new RegExp(`href="https?://[^/"]+(/${prefix}/[A-Za-z0-9_-]+)[?"]`))?.[1];
}

/** A citizen books cie at Ufficio 1 on Friday through the JSON API and confirms from the outbox. */
async function confirmedBooking({ name, surname, contact, start }) {
  const hold = await post('/api/holds', { service_id: SERVICE, office_id: OFFICE, date: FRIDAY, start });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const sent = await post(`/api/holds/${hold.body.hold_id}/booking`, { name, surname, contact, accept_terms: true, lang: 'it' });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  const link = pathIn((await outboxMessages('confirmation-request', contact))[0], 'c');
  assert.ok(link, `no confirmation link for ${contact} in the outbox`);
  const confirmed = await fetch(`${site.url}${link}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site.url }, body: 'lang=it',
  });
  assert.equal(confirmed.status, 200, `confirming ${contact}`);
}

/** The citizen cancels from the booking page of their "booking confirmed" message. */
async function cancelBooking({ contact }) {
  const page = pathIn((await outboxMessages('booking-confirmed', contact))[0], 'p');
  assert.ok(page, `no booking page for ${contact} in the outbox`);
  const cancelled = await fetch(`${site.url}${page}/cancel`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site.url }, body: 'confirm=yes&lang=it',
  });
  assert.equal(cancelled.status, 200, `cancelling ${contact}`);
}

/** A staff session through the API: its cookie, and calls with it and our Origin. */
async function staff(who) {
  const answer = await fetch(`${site.url}/api/staff/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: site.url }, body: JSON.stringify(who),
  });
  assert.equal(answer.status, 204, `signing in ${who.email}`);
  const cookie = answer.headers.get('set-cookie').split(';')[0];
  const call = async (method, path, body) => {
    const response = await fetch(`${site.url}${path}`, {
      method,
      headers: { cookie, origin: site.url, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
  return { get: (path) => call('GET', path), post: (path, body) => call('POST', path, body) };
}

/** The server started again at `instant` on the same data; the operator signed in anew. */
async function at(instant) {
  await site.server.restart({ PRENOTA_DEV_NOW: instant });
  return staff(OPERATOR);
}

async function checkIn(operator, code) {
  const answer = await operator.post('/api/staff/check-ins', { office_id: OFFICE, short_code: code });
  assert.equal(answer.status, 200, `check-in ${code}: ${JSON.stringify(answer.body)}`);
}

async function outcome(operator, code, what) {
  const answer = await operator.post(`/api/staff/bookings/${code}/outcome`, { outcome: what });
  assert.equal(answer.status, 200, `${what} ${code}: ${JSON.stringify(answer.body)}`);
}

/** The seed, once for the file (each test awaits it; the first runs it). */
let seeding = null;
function seeded() {
  seeding ??= seed();
  return seeding;
}

async function seed() {
  // Thursday: eight bookings for Friday, confirmed; the last one cancelled.
  for (const citizen of CITIZENS) await confirmedBooking(citizen);
  await cancelBooking(CITIZENS[7]);

  // Friday 08:00: the agenda gives the codes (by name: the day's agenda shows them to the staff).
  let operator = await at(friday('08:00'));
  const agenda = await operator.get(`/api/staff/offices/${OFFICE}/agenda?date=${FRIDAY}`);
  assert.equal(agenda.status, 200);
  const code = Object.fromEntries(agenda.body.bookings.map((b) => [b.name, b.short_code]));
  const [a, b, c, d, e, f] = CITIZENS.map((citizen) => code[citizen.name]);
  await checkIn(operator, a);
  // Two ratings of the wizard's last step, dated Friday (service-wide, anonymous).
  for (const rating of [5, 3]) assert.equal((await post('/api/feedback', { rating })).status < 300, true);

  operator = await at(friday('08:10'));
  for (const one of [b, c]) await checkIn(operator, one);
  operator = await at(friday('08:20'));
  for (const one of [d, e, f]) await checkIn(operator, one);

  // 08:30: five desks call the first five in the queue.
  operator = await at(friday('08:30'));
  const called = [];
  for (const desk of ['1', '2', '3', '4', '5']) {
    const answer = await operator.post(`/api/staff/offices/${OFFICE}/calls`, { desk });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    called.push(answer.body.short_code);
  }
  assert.equal(new Set(called).size, 5);
  assert.ok([a, b, c].every((one) => called.includes(one)), 'the first three to arrive are called first');

  operator = await at(friday('08:45'));
  for (const one of called.slice(0, 2)) await outcome(operator, one, 'served');
  operator = await at(friday('09:15'));
  for (const one of called.slice(2, 4)) await outcome(operator, one, 'served');
  await outcome(operator, called[4], 'no_show');
  const walkIn = await operator.post(`/api/staff/offices/${OFFICE}/walk-ins`, { service_id: SERVICE, ...WALK_IN, lang: 'it' });
  assert.equal(walkIn.status, 201, JSON.stringify(walkIn.body));
  assert.equal(walkIn.body.state, 'checked_in');

  // Monday: Friday is over.
  await site.server.restart({ PRENOTA_DEV_NOW: MONDAY });
}

// ---------------------------------------------------------------------------------------------
// What the page shows
// ---------------------------------------------------------------------------------------------

/** The cells of the table by day's row of `date`, as text. */
async function dayRow(page, date) {
  const row = page.locator(`#days-body tr[data-date="${date}"]`);
  await row.waitFor();
  return (await row.locator('th, td').allInnerTexts()).map((cell) => cell.trim());
}

/** The summary table as { row header: value }. */
async function summary(page) {
  const rows = await page.locator('#summary-body tr').evaluateAll((trs) => trs.map((tr) => [
    tr.querySelector('th').textContent.trim(), tr.querySelector('td').innerText.trim(),
  ]));
  return Object.fromEntries(rows);
}

/** Each dataset of the Chart.js chart on canvas `id`: its label and data. */
function chartData(page, id) {
  return page.evaluate((canvasId) => {
    const chart = window.Chart?.getChart(canvasId);
    return chart ? { labels: chart.data.labels, datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) } : null;
  }, id);
}

async function focusIsOn(page, id) {
  assert.equal(await page.evaluate(() => document.activeElement?.id), id, `the focus is on #${id}`);
}

/** Minutes as the page rounds them. */
const minutes = (seconds) => Math.round(seconds / 60);

test('a manager reads Friday\'s statistics by keyboard at 320 px: tables, charts from our origin, CSV, axe in it and en', async () => {
  await seeded();
  const manager = await staff(MANAGER);
  const api = await manager.get(`/api/staff/offices/${OFFICE}/statistics?from=${FRIDAY}&to=${FRIDAY}`);
  assert.equal(api.status, 200, JSON.stringify(api.body));
  const [day] = api.body.by_day;
  // The seed as the API counts it (the page must show these).
  for (const name of ['booked', 'walk_ins', 'confirmed', 'cancelled', 'displaced', 'checked_in', 'served', 'no_shows']) {
    assert.equal(day[name], SEEDED[name], `${name}: ${JSON.stringify(day)}`);
  }
  for (const measure of ['wait', 'service_time']) {
    assert.equal(day[measure].count, SEEDED[measure].count, measure);
    assert.equal(minutes(day[measure].median_s), SEEDED[measure].median_min, `${measure} median: ${day[measure].median_s} s`);
    assert.equal(minutes(day[measure].p90_s), SEEDED[measure].p90_min, `${measure} p90: ${day[measure].p90_s} s`);
  }

  const context = await site.newContext({ viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto('/gestione/statistiche/');
  await page.getByRole('heading', { level: 1, name: 'Gestione sedi — Statistiche' }).waitFor();
  await page.getByRole('heading', { name: 'Accedi alla gestione delle sedi' }).waitFor();
  await noHorizontalScroll(page, 'statistics sign-in');
  await expectNoAxeViolations(page, 'the statistics sign-in (it, 320 px)');

  // Skip link, then signing in with the keys alone.
  await page.keyboard.press('Tab');
  assert.equal(await focusedName(page), 'Vai al contenuto principale');
  await tabTo(page, /^E-mail di lavoro$/);
  await page.keyboard.type(MANAGER.email);
  await tabTo(page, /^Password$/);
  await page.keyboard.type(MANAGER.password);
  await page.keyboard.press('Enter');
  await page.getByText(`Hai effettuato l'accesso come ${MANAGER.email} (responsabile)`).waitFor();
  await focusIsOn(page, 'page-title');

  // The server's default period fills the form and is shown at once.
  await page.locator('#result-title').filter({ hasText: 'Ufficio 1, dal dom 8 nov 2026 al lun 7 dic 2026' }).waitFor();
  assert.equal(await page.locator('#st-from').inputValue(), DEFAULT_FROM);
  assert.equal(await page.locator('#st-to').inputValue(), DEFAULT_TO);
  assert.equal(await page.locator('#st-office').inputValue(), OFFICE);
  assert.deepEqual(await page.locator('#st-office option').allInnerTexts(), ['Ufficio 1'], 'a manager gets only their office');
  const wide = await summary(page);
  assert.equal(wide['Prenotati (online e allo sportello)'], String(SEEDED.booked), 'the 30 days hold Friday\'s bookings only');
  const openDays = await page.locator('#days-body tr').count();
  assert.ok(openDays > 10, 'every open day of the 30 is listed');
  await dayRow(page, FRIDAY);
  // Many days: the bookings are lines.
  await page.waitForFunction(() => window.Chart?.getChart('chart-bookings'));
  assert.equal(await page.evaluate(() => window.Chart.getChart('chart-bookings').config.type), 'line');
  assert.match(await page.locator('#chart-bookings').getAttribute('aria-label'),
    new RegExp(`^Grafico a linee delle prenotazioni per giorno, ${openDays} giorni: in totale 9 prenotati, 1 annullati, 1 non presentati, 4 serviti; il giorno con più prenotati è ven 4 dic 2026, con 9\\.`));
  await noHorizontalScroll(page, 'statistics 30 days it');
  await screenshot(page, 'statistics-30-days-320');
  assert.match(page.url(), new RegExp(`\\?office=${OFFICE}&from=${DEFAULT_FROM}&to=${DEFAULT_TO}$`));

  // Friday alone, with the keys: Sede, Dal, Al, "Mostra statistiche".
  assert.equal(await tabTo(page, /^Sede$/), 'Sede');
  await tabTo(page, /^Dal$/);
  await typeDate(page, FRIDAY);
  await tabTo(page, /^Al$/);
  await typeDate(page, FRIDAY);
  await tabTo(page, /^Mostra statistiche$/);
  const asked = page.waitForResponse((r) => r.url().includes(`/statistics?from=${FRIDAY}&to=${FRIDAY}`));
  await page.keyboard.press('Enter');
  assert.equal((await asked).status(), 200);
  const title = 'Ufficio 1, dal ven 4 dic 2026 al ven 4 dic 2026';
  await page.locator('#result-title').filter({ hasText: title }).waitFor();
  await focusIsOn(page, 'result-title');
  await page.locator('#announcer').filter({ hasText: 'Statistiche di Ufficio 1 dal ven 4 dic 2026 al ven 4 dic 2026: 9 prenotazioni.' }).waitFor();
  assert.match(page.url(), new RegExp(`\\?office=${OFFICE}&from=${FRIDAY}&to=${FRIDAY}$`), 'the period is kept in the address');

  // The table by day: one row, the seeded counts, the times in minutes.
  assert.equal(await page.locator('#days-body tr').count(), 1);
  assert.equal(await page.locator('#days-caption').innerText(), 'Ufficio 1, per giorno (tempi in minuti)');
  const headers = (await page.locator('.stats-days thead th').allInnerTexts()).map((h) => h.trim());
  assert.deepEqual(headers, ['Giorno', 'Posti offerti online', 'Prenotati', 'Senza prenotazione', 'Annullati', 'Sede chiusa',
    'Arrivati', 'Serviti', 'Non presentati', 'Attesa mediana (min)', 'Attesa 90° percentile (min)',
    'Tempo allo sportello, mediana (min)', 'Primo posto libero, mediana (giorni)']);
  assert.equal(await page.locator('.stats-days thead th[scope="col"]').count(), 13);
  assert.equal(await page.locator('#days-body th[scope="row"]').count(), 1);
  const firstFree = day.first_free.median_days === null ? '—\nnon misurato' : String(day.first_free.median_days);
  const cells = await dayRow(page, FRIDAY);
  assert.deepEqual(cells.slice(0, 12), ['ven 4 dic 2026', String(day.offered), '9', '1', '1', '0', '7', '4', '1', '20', '30', '15']);
  assert.equal(cells[12].replace(/\s+/g, ' '), firstFree.replace(/\s+/g, ' '));

  // The totals of the period.
  const totals = await summary(page);
  assert.equal(await page.locator('#summary-caption').innerText(), 'Totali di Ufficio 1 dal ven 4 dic 2026 al ven 4 dic 2026');
  assert.deepEqual({
    days: totals['Giorni con posti offerti o appuntamenti'],
    offered: totals['Posti offerti online'],
    booked: totals['Prenotati (online e allo sportello)'],
    walkIns: totals['di cui senza prenotazione'],
    cancelled: totals['Annullati dal cittadino'],
    displaced: totals['Sede chiusa, da riprogrammare'],
    confirmed: totals['Confermati (attesi)'],
    checkedIn: totals['Arrivati in sede'],
    served: totals.Serviti,
    noShows: totals['Non presentati'],
    rate: totals['Non presentati sui confermati'],
    waits: totals['Attese misurate (dall\'arrivo alla chiamata)'],
    worstMedian: totals['Attesa: la mediana giornaliera più alta (min)'],
    worstP90: totals['Attesa: il 90° percentile giornaliero più alto (min)'],
    services: totals['Tempi allo sportello misurati (dalla chiamata a «Servito»)'],
    serviceMedian: totals['Tempo allo sportello: la mediana giornaliera più alta (min)'],
  }, {
    days: '1', offered: String(day.offered), booked: '9', walkIns: '1', cancelled: '1', displaced: '0', confirmed: '8',
    checkedIn: '7', served: '4', noShows: '1', rate: '12,5%', waits: '5', worstMedian: '20', worstP90: '30', services: '4', serviceMedian: '15',
  });
  // The two ratings of Friday: 5 and 3.
  const ratings = await page.locator('#ratings-body tr').evaluateAll((trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(ratings, ['1 su 5 0', '2 su 5 0', '3 su 5 1', '4 su 5 0', '5 su 5 1', 'Media 4']);

  // The charts: Chart.js from our origin, each canvas an image with its summary.
  await page.waitForFunction(() => window.Chart?.getChart('chart-wait'));
  await page.waitForFunction(() => window.Chart.getChart('chart-bookings').config.type === 'bar');
  assert.deepEqual(await chartData(page, 'chart-bookings'), {
    labels: ['4 dic'],
    datasets: [
      { label: 'Prenotati', data: [9] }, { label: 'Annullati', data: [1] },
      { label: 'Non presentati', data: [1] }, { label: 'Serviti', data: [4] },
    ],
  });
  assert.deepEqual(await chartData(page, 'chart-wait'), {
    labels: ['4 dic'],
    datasets: [{ label: 'Attesa mediana', data: [20] }, { label: 'Attesa 90° percentile', data: [30] }],
  });
  for (const id of ['chart-bookings', 'chart-wait']) {
    const canvas = page.locator(`canvas#${id}`);
    assert.equal(await canvas.getAttribute('role'), 'img');
    const box = await canvas.boundingBox();
    assert.ok(box.width > 200 && box.height > 200, `${id} is drawn: ${JSON.stringify(box)}`);
  }
  assert.equal(await page.locator('#chart-bookings').getAttribute('aria-label'),
    'Grafico a barre delle prenotazioni per giorno, 1 giorno: in totale 9 prenotati, 1 annullati, 1 non presentati, 4 serviti; '
    + 'il giorno con più prenotati è ven 4 dic 2026, con 9. I valori di ogni giorno sono nella tabella «Per giorno».');
  assert.match(await page.locator('#chart-wait').getAttribute('aria-label'),
    /^Grafico a linee dell'attesa in sede per giorno, in minuti: la mediana giornaliera è di 20 minuti, il 90° percentile arriva a 30 minuti\./);
  const chartJs = requests.filter((url) => url.includes('chart.umd'));
  assert.deepEqual(chartJs, [`${site.url}/assets/chartjs/chart.umd.min.js`], 'Chart.js comes from our origin, once');
  const elsewhere = requests.filter((url) => !url.startsWith(`${site.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'));
  assert.deepEqual(elsewhere, [], 'no request to another origin');
  assert.deepEqual(context.blocked, []);
  await noHorizontalScroll(page, 'statistics Friday it');
  await expectNoAxeViolations(page, 'the statistics of Friday (it, 320 px)');
  await screenshot(page, 'statistics-friday-320');

  // "Scarica CSV", by keyboard: the same office and period; its rows match the table.
  const link = page.getByRole('link', { name: 'Scarica CSV' });
  assert.equal(await link.getAttribute('href'), `/api/staff/offices/${OFFICE}/statistics.csv?from=${FRIDAY}&to=${FRIDAY}`);
  await tabTo(page, /^Scarica CSV$/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(download.suggestedFilename(), `prenota-${OFFICE}-${FRIDAY}-${FRIDAY}.csv`);
  const csv = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/).map((line) => line.split(','));
  const [head, ...rows] = csv;
  const column = (row, name) => row[head.indexOf(name)];
  const total = rows.find((row) => column(row, 'service_id') === '');
  const cie = rows.find((row) => column(row, 'service_id') === SERVICE);
  assert.ok(total && cie, csv.join('\n'));
  assert.deepEqual(rows.map((row) => column(row, 'date')), rows.map(() => FRIDAY), 'Friday only');
  for (const row of [total, cie]) {
    assert.equal(column(row, 'office_id'), OFFICE);
    assert.deepEqual(['booked', 'walk_ins', 'confirmed', 'cancelled', 'displaced', 'checked_in', 'served', 'no_shows'].map((n) => column(row, n)),
      ['9', '1', '8', '1', '0', '7', '4', '1']);
    assert.deepEqual(['wait_median_s', 'wait_p90_s', 'service_median_s'].map((n) => minutes(Number(column(row, n)))), [20, 30, 15]);
  }
  assert.equal(column(total, 'offered'), String(day.offered), 'the table\'s "Posti offerti online"');

  // A period the wrong way round: told beside "Al", before asking the server.
  await page.locator('#st-from').fill('2026-12-05');
  await page.locator('#st-to').fill(FRIDAY);
  await page.getByRole('button', { name: 'Mostra statistiche' }).click();
  await page.locator('#st-to-error').filter({ hasText: 'L\'ultimo giorno non può essere prima del primo.' }).waitFor();
  await focusIsOn(page, 'st-to');
  assert.equal(await page.locator('#st-to').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#st-to').getAttribute('aria-describedby'), /\bst-to-error\b/);
  await expectNoAxeViolations(page, 'the statistics form with an error (it, 320 px)');
  await page.locator('#st-from').fill(FRIDAY);
  await page.getByRole('button', { name: 'Mostra statistiche' }).click();
  await page.locator('#st-to-error').waitFor({ state: 'hidden' });

  // In English, from the header's switch: the same numbers, in English.
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Office management — Statistics' }).waitFor();
  assert.equal(await page.title(), 'Office management — Statistics – Prenota – Comune di Bergamo');
  await page.locator('#result-title').filter({ hasText: 'Ufficio 1, from Fri, 4 Dec 2026 to Fri, 4 Dec 2026' }).waitFor();
  const english = await summary(page);
  assert.equal(english['Booked (online and at the counter)'], '9');
  assert.equal(english['No-shows out of the confirmed'], '12.5%');
  assert.deepEqual((await dayRow(page, FRIDAY)).slice(0, 1), ['Fri, 4 Dec 2026']);
  await page.waitForFunction(() => window.Chart?.getChart('chart-bookings')?.data.datasets[0].label === 'Booked');
  assert.deepEqual((await chartData(page, 'chart-wait')).datasets.map((d) => d.label), ['Median wait', '90th percentile wait']);
  assert.match(await page.locator('#chart-bookings').getAttribute('aria-label'), /^Bar chart of bookings by day, 1 day: in all 9 booked, 1 cancelled, 1 no-shows, 4 served/);
  await page.getByRole('link', { name: 'Download CSV' }).waitFor();
  await noHorizontalScroll(page, 'statistics Friday en');
  await expectNoAxeViolations(page, 'the statistics of Friday (en, 320 px)');
  await screenshot(page, 'statistics-friday-en-320');
  await page.getByRole('link', { name: 'Italiano' }).click();
  await page.getByRole('heading', { level: 1, name: 'Gestione sedi — Statistiche' }).waitFor();

  // A reload keeps office and period (from the address).
  await page.reload();
  await page.locator('#result-title').filter({ hasText: title }).waitFor();

  assert.deepEqual(context.blocked, []);
  assert.deepEqual(unexpectedProblems(context, EXPECTED), []);
  await context.close();
});

test('statistics are for managers: an operator is told so, and the counter links the page for managers only', async () => {
  await seeded();
  const context = await site.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await signInAt(page, OPERATOR, { path: '/gestione/statistiche/', heading: 'Accedi alla gestione delle sedi' });
  await page.getByText('Le statistiche sono riservate ai responsabili delle sedi e agli amministratori.').waitFor();
  assert.equal(await page.locator('#period-form').isVisible(), false, 'no form for an operator');
  assert.equal((await (await staff(OPERATOR)).get(`/api/staff/offices/${OFFICE}/statistics`)).status, 403);
  await expectNoAxeViolations(page, 'the statistics page for an operator (it, 320 px)');
  await page.goto('/sportello/');
  await page.getByText(`Hai effettuato l'accesso come ${OPERATOR.email}`).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Statistiche delle sedi' }).count(), 0);
  await context.close();

  const managing = await site.newContext({ viewport: PHONE });
  const managerPage = await managing.newPage();
  await signInAt(managerPage, MANAGER);
  await managerPage.getByRole('link', { name: 'Statistiche delle sedi' }).click();
  await managerPage.getByRole('heading', { level: 1, name: 'Gestione sedi — Statistiche' }).waitFor();
  await managerPage.locator('#days-body tr').first().waitFor();
  // …and the closures' page links it too, both ways.
  await managerPage.getByRole('link', { name: 'Chiusure delle sedi' }).click();
  await managerPage.getByRole('heading', { level: 1, name: 'Gestione sedi — Chiusure' }).waitFor();
  await managerPage.getByRole('link', { name: 'Statistiche delle sedi' }).waitFor();
  assert.deepEqual(unexpectedProblems(context, EXPECTED), []);
  assert.deepEqual(unexpectedProblems(managing, EXPECTED), []);
  await managing.close();
});

// ---------------------------------------------------------------------------------------------
// Open data
// ---------------------------------------------------------------------------------------------

const COUNTS = ['booked', 'cancelled', 'displaced', 'checked_in', 'no_shows'];

/** The open data's JSON at `path`: no personal data, no count from 1 to 4. Answers its rows. */
async function checkedOpenData(path) {
  const response = await fetch(`${site.url}${path}`);
  assert.equal(response.status, 200, path);
  const text = await response.text();
  for (const personal of PERSONAL) assert.ok(!text.includes(personal), `${path} holds "${personal}"`);
  assert.doesNotMatch(text, /@/, `${path} holds an e-mail address`);
  const data = JSON.parse(text);
  assert.equal(data.license, 'https://creativecommons.org/licenses/by/4.0/');
  for (const row of data.rows) {
    for (const name of COUNTS) {
      const value = row[name];
      assert.ok(value === null || value === 0 || value >= 5, `${path}: ${name} = ${value} in ${JSON.stringify(row)}`);
    }
    assert.deepEqual(Object.keys(row).sort(), ['booked', 'cancelled', 'checked_in', 'date', 'displaced', 'first_free_median_days',
      'no_shows', 'offered', 'office_id', 'office_name', 'service_id', 'wait_median_min', 'wait_p90_min']);
  }
  return data.rows;
}

test('/open-data/: linked from the footer, axe in it and en at 320 px, its links; the JSON it links has no small count and no personal data', async () => {
  await seeded();
  const context = await site.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Dati aperti' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dati aperti: appuntamenti agli sportelli' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/open-data/');
  await page.waitForFunction(() => document.title === 'Dati aperti: appuntamenti agli sportelli – Prenota – Comune di Bergamo');
  const article = page.locator('article[lang="it"]');
  for (const field of ['date', 'office_id', 'office_name', 'service_id', 'offered', 'booked', 'cancelled', 'displaced', 'checked_in',
    'no_shows', 'wait_median_min', 'wait_p90_min', 'first_free_median_days']) {
    assert.equal(await article.locator('dt code').filter({ hasText: new RegExp(`^${field}$`) }).count(), 1, `the field ${field} is explained`);
  }
  const text = await article.innerText();
  assert.match(text, /i conteggi da 1 a 4 non sono pubblicati/);
  assert.match(text, /almeno 5 cittadini/);
  assert.match(text, /non sono pubblicati totali tra più sedi o più servizi/);
  assert.match(text, /CC BY 4\.0/);
  assert.match(text, /Fonte: Comune di Bergamo/);
  const links = {
    csv: await article.getByRole('link', { name: 'Mese in corso, CSV' }).getAttribute('href'),
    json: await article.getByRole('link', { name: 'Mese in corso, JSON' }).getAttribute('href'),
    dcat: await article.getByRole('link', { name: /DCAT-AP_IT/ }).getAttribute('href'),
    licence: await article.getByRole('link', { name: /CC BY 4\.0/ }).getAttribute('href'),
  };
  assert.deepEqual(links, {
    csv: '/api/open-data/appointments.csv',
    json: '/api/open-data/appointments.json',
    dcat: '/api/open-data/dcat.jsonld',
    licence: 'https://creativecommons.org/licenses/by/4.0/deed.it',
  });
  await noHorizontalScroll(page, 'open data it');
  await expectNoAxeViolations(page, '/open-data/ (it, 320 px)');
  await screenshot(page, 'open-data-320');

  // This month's JSON (the server's month: December 2026): Friday's CIE row, small counts held back.
  const rows = await checkedOpenData(links.json);
  const cie = rows.find((row) => row.date === FRIDAY && row.office_id === OFFICE && row.service_id === SERVICE);
  assert.ok(cie, 'Friday is published');
  assert.deepEqual(
    [cie.office_name, cie.booked, cie.cancelled, cie.displaced, cie.checked_in, cie.no_shows, cie.wait_median_min, cie.wait_p90_min],
    ['Ufficio 1', 9, null, 0, 7, null, 20, 30],
  );
  assert.ok(!rows.some((row) => row.date >= '2026-12-07'), 'only days that are over');
  const csv = await (await fetch(`${site.url}${links.csv}`)).text();
  for (const personal of PERSONAL) assert.ok(!csv.includes(personal), `the CSV holds "${personal}"`);
  assert.ok(csv.split(/\r?\n/).some((line) => line === `${FRIDAY},${OFFICE},Ufficio 1,${SERVICE},${cie.offered},9,,0,7,,20,30,${cie.first_free_median_days ?? ''}`), csv);
  const dcat = await (await fetch(`${site.url}${links.dcat}`)).json();
  assert.equal(dcat['@type'], 'dcatapit:Catalog');

  // The month picker: a month's links, by keyboard.
  const picker = article.getByLabel('Mese', { exact: true });
  assert.match(await picker.inputValue(), /^\d{4}-\d{2}$/, 'this month is chosen');
  await picker.fill('2026-12');
  const monthLinks = article.locator('[data-open-data-links]');
  await monthLinks.waitFor();
  assert.deepEqual(await monthLinks.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
    ['/api/open-data/appointments.csv?month=2026-12', '/api/open-data/appointments.json?month=2026-12']);
  await checkedOpenData('/api/open-data/appointments.json?month=2026-12');
  await checkedOpenData('/api/open-data/appointments.json?month=2026-11');
  await expectNoAxeViolations(page, '/open-data/ with a month chosen (it, 320 px)');

  // In English.
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Open data: appointments at the counters' }).waitFor();
  assert.equal(await page.locator('article[lang="it"]').isVisible(), false);
  const englishArticle = page.locator('article[lang="en"]');
  assert.equal(await englishArticle.getByRole('link', { name: 'Current month, JSON' }).getAttribute('href'), links.json);
  assert.equal(await englishArticle.getByRole('link', { name: /DCAT-AP_IT/ }).getAttribute('href'), links.dcat);
  assert.equal(await page.getByRole('contentinfo').getByRole('link', { name: 'Open data' }).getAttribute('href'), '/open-data/');
  assert.match(await englishArticle.innerText(), /counts from 1 to 4 are not published/);
  await noHorizontalScroll(page, 'open data en');
  await expectNoAxeViolations(page, '/open-data/ (en, 320 px)');
  await screenshot(page, 'open-data-en-320');

  // The picker's form asks for the chosen month's JSON, as it would without JavaScript.
  await englishArticle.getByLabel('Month', { exact: true }).fill('2026-12');
  await englishArticle.getByRole('button', { name: 'Download the month\'s JSON' }).click();
  await page.waitForURL('**/api/open-data/appointments.json?month=2026-12');
  assert.match(await page.locator('body').innerText(), /"month":\s*"2026-12"/);

  assert.deepEqual(context.blocked, []);
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});
