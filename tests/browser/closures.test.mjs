// "Gestione sedi — Chiusure" (/gestione/, docs/closures.md) on Bergamo's catalogue, with the
// server's clock on a Monday morning (PRENOTA_DEV_NOW) so that "tomorrow" is a Tuesday, when
// Ufficio 1 is open in the afternoon too (cie and certificati-anagrafici, 14:00–17:00):
// 1. two citizens (one Italian, one English) book and confirm tomorrow afternoon through the JSON
//    API; a manager of ufficio-1 signs in at /gestione/ and, by keyboard alone at 320 px, closes
//    Ufficio 1 tomorrow 14:00–18:00: "Verifica effetto" says 2 appointments (codes, no names),
//    "Salva chiusura" says 2 citizens were told; each citizen's "displaced" message is in the
//    outbox in their language, its link opens the booking page that says the office is closed,
//    why, and offers "Scegli un nuovo orario"; the move page offers no closed time and the move
//    works; the counter's agenda shows the bookings as "Sede chiusa", then at their new times;
// 2. a manager of another office gets 403 and sees none of ufficio-1's closures, an operator gets
//    403 and the page says closures are for managers; a POST without our Origin is refused; an
//    administrator may close "Tutte le sedi" and sees every closure; the counter links to
//    /gestione/ for managers only;
// 3. axe on /gestione/ in Italian and English at 320 px with the form, a preview, a saved result
//    and the list; a field refused by the server (its it/en detail beside it, aria-invalid);
// 4. reopening by keyboard: asked first, then the closure shows as reopened (no longer in force)
//    and the afternoon's times are offered again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot } from './lib/browser.mjs';
import { serverAndBrowser } from './lib/fixture.mjs';
import { expectNoAxeViolations, freeSlots, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { focusedName, tabTo } from './lib/keyboard.mjs';
import { OPERATOR, operatorAccount, signIn as signInAt } from './lib/staff.mjs';

// A Monday: tomorrow (TUESDAY) Ufficio 1 is open 08:30–12:30 and 14:00–17:00 for cie.
const NOW = '2027-02-01T09:00:00+01:00';
const TUESDAY = '2027-02-02';
const THURSDAY = '2027-02-04';
const FRIDAY = '2027-02-05';
const NEXT_MONDAY = '2027-02-08';
const NEXT_TUESDAY = '2027-02-09';
const OFFICE = 'ufficio-1';
const SERVICE = 'cie';

const PASSWORD = 'gestione-sedi-di-prova-2027';
const MANAGER = { email: 'responsabile.uno@comune.bergamo.it', password: PASSWORD };
const OTHER_MANAGER = { email: 'responsabile.due@comune.bergamo.it', password: PASSWORD };
const ADMIN = { email: 'amministratore@comune.bergamo.it', password: PASSWORD };

function account({ email, password }, role, office) {
  return {
    args: ['staff', 'add', email, '--role', role, ...(office ? ['--office', office] : []), '--password-stdin'],
    input: `${password}\n`,
  };
}

const site = serverAndBrowser({
  env: { PRENOTA_DEV_NOW: NOW },
  commands: [
    account(MANAGER, 'manager', OFFICE),
    account(OTHER_MANAGER, 'manager', 'ufficio-2'),
    account(ADMIN, 'admin'),
    operatorAccount(),
  ],
});

const PHONE = { width: 320, height: 640 };
const WIDE = { width: 1280, height: 900 };
// GET /api/staff/me before signing in answers 401 by design; tests 2 and 3 provoke 403 and 422.
const EXPECTED = [401];
const NAMES = ['Giovanna', 'Rota', 'Oliver', 'Smith'];

async function post(path, body) {
  const response = await fetch(`${site.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** The outbox's messages of `kind` to `contact`, newest first, as the outbox page lists them. */
async function outboxMessages(kind, contact) {
  const outbox = await (await fetch(`${site.url}/outbox`)).text();
  const articles = outbox.match(/<article\b[\s\S]*?<\/article>/g) ?? [];
  return articles.filter((a) => a.includes(`data-kind="${kind}"`) && a.includes(`data-recipient="${contact}"`));
}

/**
 * A citizen's booking of cie at Ufficio 1 on `date` at `start`, made through the JSON API in
 * `lang` and confirmed from the outbox's link (the /c/ page's form, posted as a browser does).
 */
async function confirmedBooking({ name, surname, contact, lang }, date, start) {
  assert.ok((await freeSlots(site.url, SERVICE, OFFICE, date)).includes(start), `${date} ${start} is free`);
  const hold = await post('/api/holds', { service_id: SERVICE, office_id: OFFICE, date, start });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const sent = await post(`/api/holds/${hold.body.hold_id}/booking`, { name, surname, contact, accept_terms: true, lang });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  const [request] = await outboxMessages('confirmation-request', contact);
  const link = request?.match(/href="https?:\/\/[^/"]+(\/c\/[A-Za-z0-9_-]+)[?"]/)?.[1];
  assert.ok(link, `no confirmation link for ${contact} in the outbox`);
  const confirmed = await fetch(`${site.url}${link}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site.url }, body: `lang=${lang}`,
  });
  assert.ok(confirmed.status < 400, `confirming ${contact}: ${confirmed.status}`);
}

/** Signs in on /gestione/ with the mouse and waits for the page. */
function signIn(page, who) {
  return signInAt(page, who, { path: '/gestione/', heading: 'Accedi alla gestione delle sedi' });
}

/**
 * Fills the form with the mouse, in Italian: `office` by its name (else as chosen), the days,
 * `hours` as [from, to] (else the whole day) and the reasons; then "Verifica effetto".
 */
async function previewClosure(page, { office, from, to, hours, reasonIt, reasonEn }) {
  if (office) await page.getByLabel('Sede', { exact: true }).selectOption({ label: office });
  await page.getByLabel('Dal', { exact: true }).fill(from);
  if (to) await page.getByLabel('Al (facoltativo)').fill(to);
  if (hours) {
    await page.locator('label[for="cl-some-hours"]').click();
    await page.getByLabel('Dalle ore', { exact: true }).fill(hours[0]);
    await page.getByLabel('Alle ore', { exact: true }).fill(hours[1]);
  }
  await page.getByLabel('Motivo in italiano').fill(reasonIt);
  await page.getByLabel('Motivo in inglese').fill(reasonEn);
  await page.getByRole('button', { name: 'Verifica effetto' }).click();
  await page.locator('#preview').waitFor();
}

/** A browser context signed in as `who` through the API (its cookie shared with its pages). */
async function signedInContext(who, options = { viewport: WIDE }) {
  const context = await site.newContext(options);
  const answer = await context.request.post('/api/staff/session', { data: who, headers: { origin: site.url } });
  assert.equal(answer.status(), 204, `signing in ${who.email}`);
  return context;
}

/** POSTs JSON with the context's session and our Origin, as the page's fetch does. */
async function staffPost(context, path, data, { origin = site.url } = {}) {
  const headers = origin ? { origin } : {};
  const response = await context.request.post(path, { data, headers });
  return { status: response.status(), body: await response.json().catch(() => null) };
}

/**
 * Types a date into the focused <input type="date"> with the keys alone. Chromium orders the
 * fields by its own locale (not the page's): month first is tried, and if the field then holds
 * another date, ← ← goes back to the first field and the day is typed first.
 */
async function typeDate(page, iso) {
  const [year, month, day] = iso.split('-');
  await page.keyboard.type(`${month}${day}${year}`);
  if ((await page.evaluate(() => document.activeElement.value)) === iso) return;
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type(`${day}${month}${year}`);
  assert.equal(await page.evaluate(() => document.activeElement.value), iso, 'the date typed');
}

/** Asserts the focus is on the element `id`. */
async function focusIsOn(page, id) {
  assert.equal(await page.evaluate(() => document.activeElement?.id), id, `the focus is on #${id}`);
}

test('a manager closes Ufficio 1 tomorrow afternoon by keyboard at 320 px; the citizens are told, rebook, and the counter shows it', async () => {
  const italian = { name: 'Giovanna', surname: 'Rota', contact: 'giovanna.rota@esempio.it', lang: 'it' };
  const english = { name: 'Oliver', surname: 'Smith', contact: 'oliver.smith@example.com', lang: 'en' };
  await confirmedBooking(italian, TUESDAY, '14:00');
  await confirmedBooking(english, TUESDAY, '15:30');

  const context = await site.newContext({ viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  await page.goto('/gestione/');
  await page.getByRole('heading', { level: 1, name: 'Gestione sedi — Chiusure' }).waitFor();
  await page.getByRole('heading', { name: 'Accedi alla gestione delle sedi' }).waitFor();
  await noHorizontalScroll(page, 'closures sign-in');

  // Skip link first, then signing in with the keys alone.
  await page.keyboard.press('Tab');
  assert.equal(await focusedName(page), 'Vai al contenuto principale');
  await tabTo(page, /^E-mail di lavoro$/);
  await page.keyboard.type(MANAGER.email);
  await tabTo(page, /^Password$/);
  await page.keyboard.type(MANAGER.password);
  await page.keyboard.press('Enter');
  await page.getByText(`Hai effettuato l'accesso come ${MANAGER.email} (responsabile)`).waitFor();
  await focusIsOn(page, 'page-title');
  await page.getByRole('heading', { level: 2, name: 'Chiusure in vigore' }).waitFor();
  await page.getByText('Nessuna chiusura in vigore.').waitFor();

  // The form: the one office is chosen already; the day, the hours, the reasons.
  assert.equal(await tabTo(page, /^Sede$/), 'Sede');
  assert.equal(await page.locator('#cl-office').inputValue(), OFFICE);
  assert.deepEqual(await page.locator('#cl-office option').allInnerTexts(), ['Ufficio 1'], 'a manager gets only their office');
  await tabTo(page, /^Dal$/);
  await typeDate(page, TUESDAY);
  await tabTo(page, /^Tutto il giorno$/);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedName(page), 'Solo alcune ore');
  assert.equal(await page.locator('#cl-some-hours').isChecked(), true);
  await tabTo(page, /^Dalle ore$/);
  await page.keyboard.type('1400');
  await tabTo(page, /^Alle ore$/);
  await page.keyboard.type('1800');
  assert.equal(await page.locator('#cl-hours-to').inputValue(), '18:00');
  await tabTo(page, /^Motivo in italiano$/);
  await page.keyboard.type('Sciopero del personale');
  await tabTo(page, /^Motivo in inglese$/);
  await page.keyboard.type('Staff strike');
  await noHorizontalScroll(page, 'closures form');

  // "Verifica effetto": the focus moves to the result, which says 2 and lists them without names.
  await tabTo(page, /^Verifica effetto$/);
  await page.keyboard.press('Enter');
  await page.locator('#preview').waitFor();
  await focusIsOn(page, 'preview-title');
  assert.equal((await page.locator('#preview-count').innerText()).trim(), '2 appuntamenti confermati o in attesa');
  assert.match(await page.locator('#preview-what').innerText(), /^Ufficio 1, mar 2 feb 2027, 14:00–18:00\.$/);
  const rows = page.locator('#preview-body tr');
  assert.equal(await rows.count(), 2);
  const previewText = await page.locator('#preview').innerText();
  assert.match(previewText, /14:00–14:30[\s\S]*15:30–16:00/, 'by time');
  assert.match(previewText, /Carta d'identità elettronica/, 'the service by name');
  for (const name of NAMES) assert.ok(!previewText.includes(name), `the preview shows "${name}"`);
  const codes = (await page.locator('#preview-body th.code').allInnerTexts()).map((c) => c.trim());
  for (const code of codes) assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await page.locator('#announcer').filter({ hasText: '2 appuntamenti confermati o in attesa' }).waitFor();
  assert.equal(await page.locator('#announcer').getAttribute('aria-live'), 'polite');
  await noHorizontalScroll(page, 'closures preview');
  await expectNoAxeViolations(page, 'the closures page with its preview (it, 320 px)');
  await screenshot(page, 'closures-preview-320');
  // The preview changed nothing: the afternoon is still offered.
  assert.ok((await freeSlots(site.url, SERVICE, OFFICE, TUESDAY)).includes('14:30'), 'the preview changes nothing');

  // "Salva chiusura": the focus moves to the result, which says how many citizens were told.
  await tabTo(page, /^Salva chiusura$/);
  await page.keyboard.press('Enter');
  const saved = page.locator('#saved');
  await saved.filter({ hasText: 'Chiusura salvata' }).waitFor();
  await focusIsOn(page, 'saved');
  assert.equal(await saved.getAttribute('role'), 'status');
  assert.match(await saved.innerText(), /2 cittadini avvisati/);
  await page.locator('#announcer').filter({ hasText: '2 cittadini avvisati' }).waitFor();
  const item = page.locator('#closure-list li').filter({ hasText: 'Ufficio 1, mar 2 feb 2027, 14:00–18:00' });
  await item.waitFor();
  assert.match(await item.innerText(), /Sciopero del personale[\s\S]*Staff strike[\s\S]*responsabile\.uno@comune\.bergamo\.it/);
  assert.equal(await page.locator('#cl-reason-it').inputValue(), '', 'the form is ready for another closure');
  await noHorizontalScroll(page, 'closures saved');
  await expectNoAxeViolations(page, 'the closures page after saving (it, 320 px)');
  await screenshot(page, 'closures-saved-320');

  // The afternoon is no longer offered; the morning still is.
  const free = await freeSlots(site.url, SERVICE, OFFICE, TUESDAY);
  assert.deepEqual(free.filter((start) => start >= '14:00'), [], `closed times offered: ${free}`);
  assert.ok(free.some((start) => start < '12:30'), 'the morning is still offered');

  // The counter (a manager works there too): both bookings of tomorrow shown as "Sede chiusa".
  const counter = await context.newPage();
  await counter.setViewportSize(WIDE);
  await counter.goto('/sportello/');
  await counter.getByText(`Hai effettuato l'accesso come ${MANAGER.email}`).waitFor();
  await counter.getByLabel('Giorno', { exact: true }).fill(TUESDAY);
  for (const code of codes) {
    const row = counter.locator(`#agenda-body tr[data-state="displaced"]`).filter({ hasText: code });
    await row.waitFor();
    assert.match(await row.innerText(), /Sede chiusa/);
  }

  // Each citizen's message, in their language, links the booking page that says why.
  const citizens = [
    { ...italian, subject: 'Ufficio chiuso: scegli un nuovo orario', reason: 'Sciopero del personale',
      title: "L'ufficio è chiuso all'ora del tuo appuntamento", motive: 'Motivo: Sciopero del personale',
      choose: 'Scegli un nuovo orario', moveTitle: "Sposta l'appuntamento", send: 'Invia', moved: 'Appuntamento spostato' },
    { ...english, subject: 'Office closed: please choose a new time', reason: 'Staff strike',
      title: 'The office is closed at the time of your appointment', motive: 'Reason: Staff strike',
      choose: 'Choose a new time', moveTitle: 'Move the appointment', send: 'Send', moved: 'Appointment moved' },
  ];
  const citizenContext = await site.newContext({ viewport: PHONE });
  const citizenPage = await citizenContext.newPage();
  const newStarts = [];
  for (const citizen of citizens) {
    const messages = await outboxMessages('displaced', citizen.contact);
    assert.equal(messages.length, 1, `one "displaced" message to ${citizen.contact}`);
    assert.ok(messages[0].includes(citizen.subject), `the message to ${citizen.contact} is in ${citizen.lang}`);
    assert.ok(messages[0].includes(citizen.reason), 'with the reason in their language');
    const link = messages[0].match(/href="https?:\/\/[^/"]+(\/p\/[A-Za-z0-9_-]+\?lang=(?:it|en))"/)?.[1];
    assert.ok(link, `the message links the booking page: ${messages[0]}`);
    assert.ok(link.endsWith(`lang=${citizen.lang}`));

    await citizenPage.goto(link);
    const notice = citizenPage.getByRole('status').filter({ hasText: citizen.title });
    await notice.waitFor();
    assert.match(await notice.innerText(), new RegExp(citizen.motive));
    assert.equal(await citizenPage.locator('.qr svg').count(), 0, 'no QR code for a closed counter');
    await noHorizontalScroll(citizenPage, `displaced booking page ${citizen.lang}`);
    await expectNoAxeViolations(citizenPage, `the displaced booking page (${citizen.lang})`);

    await notice.getByRole('link', { name: citizen.choose }).click();
    await citizenPage.getByRole('heading', { level: 1, name: citizen.moveTitle }).waitFor();
    const tuesday = citizenPage.locator(`ul.days a[href*="date=${TUESDAY}&"]`);
    assert.equal(await tuesday.count(), 1, 'the closed day still has free times in the morning');
    if ((await tuesday.getAttribute('aria-current')) !== 'date') {
      await tuesday.click();
      await citizenPage.locator(`ul.days a[aria-current="date"][href*="date=${TUESDAY}&"]`).waitFor();
    }
    const offered = await citizenPage.locator('input[name="start"]').evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.ok(offered.length > 0, 'free times are offered');
    assert.deepEqual(offered.filter((start) => start >= '14:00'), [], `closed times offered on the move page: ${offered}`);
    const radio = citizenPage.getByRole('radio').first();
    await radio.check();
    newStarts.push(await radio.inputValue());
    await citizenPage.getByRole('button', { name: citizen.send, exact: true }).click();
    await citizenPage.getByRole('status').filter({ hasText: citizen.moved }).waitFor();
    assert.equal(await citizenPage.locator('#details-title + .facts time').getAttribute('datetime'), TUESDAY);
    assert.match(await citizenPage.locator('#details-title + .facts').innerText(), new RegExp(`${newStarts.at(-1)}–`));
    assert.equal(await citizenPage.getByRole('status').filter({ hasText: citizen.title }).count(), 0, 'no longer displaced');
    assert.equal(await citizenPage.locator('.qr svg').count(), 1, 'a QR code again');
  }
  await citizenContext.close();

  // The counter's agenda: both at their new times, confirmed; nobody left on the closed afternoon.
  await counter.getByRole('button', { name: 'Aggiorna' }).click();
  for (const [i, code] of codes.entries()) {
    const row = counter.locator('#agenda-body tr[data-state="confirmed"]').filter({ hasText: code });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`^${newStarts[i]}–`), `${code} at its new time`);
  }
  assert.equal(await counter.locator('#agenda-body tr[data-state="displaced"]').count(), 0);
  const agenda = await counter.request.get(`/api/staff/offices/${OFFICE}/agenda?date=${TUESDAY}`);
  const entries = (await agenda.json()).bookings;
  assert.deepEqual(entries.filter((e) => e.start >= '14:00' && e.state !== 'cancelled'), [], 'nothing left in the closed afternoon');

  assert.deepEqual(unexpectedProblems(context, EXPECTED), []);
  await context.close();
});

test('another office\'s manager and an operator cannot close ufficio-1; an administrator may close every office', async () => {
  // A closure of ufficio-1 (next Tuesday, all day) saved by its manager through the API.
  const manager = await signedInContext(MANAGER);
  const form = { office_id: OFFICE, from: NEXT_TUESDAY, reason_it: 'Formazione del personale', reason_en: 'Staff training' };
  const refusedOrigin = await staffPost(manager, '/api/staff/closures/preview', form, { origin: null });
  assert.equal(refusedOrigin.status, 403, 'a POST without our Origin');
  assert.equal(refusedOrigin.body?.code, 'cross_origin');
  const saved = await staffPost(manager, '/api/staff/closures', form);
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const { id } = saved.body.closure;
  assert.match(id, /^[0-9a-f]{32}$/);

  // The manager of ufficio-2: 403 for ufficio-1, and none of its closures listed.
  const other = await signedInContext(OTHER_MANAGER);
  for (const path of ['/api/staff/closures/preview', '/api/staff/closures']) {
    const answer = await staffPost(other, path, { ...form, from: NEXT_MONDAY });
    assert.equal(answer.status, 403, `${path} for another office: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body?.code, 'forbidden');
  }
  const reopen = await staffPost(other, `/api/staff/closures/${id}/reopen`);
  assert.ok([403, 404].includes(reopen.status), `reopening another office's closure: ${reopen.status}`);
  const listed = await (await other.request.get('/api/staff/closures')).json();
  assert.deepEqual(listed.closures.filter((c) => c.office_id !== 'ufficio-2'), [], 'another office\'s closures are not listed');
  const otherPage = await other.newPage();
  await otherPage.goto('/gestione/');
  await otherPage.getByText(`Hai effettuato l'accesso come ${OTHER_MANAGER.email}`).waitFor();
  assert.deepEqual(await otherPage.locator('#cl-office option').allInnerTexts(), ['Ufficio 2']);
  await otherPage.getByText('Nessuna chiusura in vigore.').waitFor();
  assert.ok(!(await otherPage.locator('main').innerText()).includes('Formazione del personale'));
  // Still in force for its own manager.
  const mine = await (await manager.request.get('/api/staff/closures')).json();
  assert.ok(mine.closures.some((c) => c.id === id && !c.reopened_at), 'the closure is still in force');

  // An operator: 403, and the page says what the page is for instead of a form.
  const operator = await signedInContext(OPERATOR);
  const refused = await staffPost(operator, '/api/staff/closures/preview', { ...form, from: NEXT_MONDAY });
  assert.equal(refused.status, 403);
  assert.equal(refused.body?.code, 'forbidden');
  assert.equal((await staffPost(operator, '/api/staff/closures', { ...form, from: NEXT_MONDAY })).status, 403);
  const operatorPage = await operator.newPage();
  await operatorPage.goto('/gestione/');
  await operatorPage.getByText('La gestione delle chiusure è riservata ai responsabili delle sedi').waitFor();
  assert.equal(await operatorPage.locator('#closure-form').isVisible(), false, 'no form for an operator');
  await expectNoAxeViolations(operatorPage, 'the closures page for an operator');
  // …and the counter does not link it; for a manager it does.
  await operatorPage.goto('/sportello/');
  await operatorPage.getByText(`Hai effettuato l'accesso come ${OPERATOR.email}`).waitFor();
  assert.equal(await operatorPage.getByRole('link', { name: 'Chiusure delle sedi' }).count(), 0);
  const managerPage = await manager.newPage();
  await managerPage.goto('/sportello/');
  await managerPage.getByRole('link', { name: 'Chiusure delle sedi' }).click();
  await managerPage.getByRole('heading', { level: 1, name: 'Gestione sedi — Chiusure' }).waitFor();
  await managerPage.locator('#closure-list li').filter({ hasText: 'Formazione del personale' }).waitFor();
  await managerPage.getByRole('link', { name: 'Vai allo sportello' }).waitFor();

  // An administrator: every office and "Tutte le sedi"; a closure of every office, seen by all managers.
  const admin = await signedInContext(ADMIN);
  const adminPage = await admin.newPage();
  await adminPage.goto('/gestione/');
  await adminPage.getByText(`Hai effettuato l'accesso come ${ADMIN.email}`).waitFor();
  const options = await adminPage.locator('#cl-office option').allInnerTexts();
  assert.ok(options.includes('Ufficio 1') && options.includes('Ufficio 2') && options.includes('Tutte le sedi'), options.join(', '));
  await adminPage.locator('#closure-list li').filter({ hasText: 'Formazione del personale' }).waitFor();
  const previewRequest = adminPage.waitForRequest((r) => r.url().includes('/api/staff/closures/preview'));
  await previewClosure(adminPage, {
    office: 'Tutte le sedi', from: NEXT_MONDAY, hours: ['16:00', '18:00'], reasonIt: 'Assemblea sindacale', reasonEn: 'Union meeting',
  });
  assert.equal((await previewRequest).postDataJSON().office_id, null, '"Tutte le sedi" is sent as no office');
  await adminPage.locator('#preview-what').filter({ hasText: /^Tutte le sedi, lun 8 feb 2027, 16:00–18:00\.$/ }).waitFor();
  const saving = adminPage.waitForResponse((r) => new URL(r.url()).pathname === '/api/staff/closures' && r.request().method() === 'POST');
  await adminPage.getByRole('button', { name: 'Salva chiusura' }).click();
  const adminSaved = await (await saving).json();
  await adminPage.locator('#saved').filter({ hasText: 'Chiusura salvata' }).waitFor();
  await adminPage.locator('#closure-list li').filter({ hasText: 'Tutte le sedi, lun 8 feb 2027, 16:00–18:00' }).waitFor();
  const seen = await (await other.request.get('/api/staff/closures')).json();
  assert.ok(seen.closures.some((c) => c.office_id === null && c.reason_it === 'Assemblea sindacale'), 'a closure of every office is seen by every manager');
  // …listed for a manager, who may not undo it (an administrator's).
  await managerPage.reload();
  const everywhere = managerPage.locator('#closure-list li').filter({ hasText: 'Tutte le sedi, lun 8 feb 2027, 16:00–18:00' });
  await everywhere.waitFor();
  assert.equal(await everywhere.getByRole('button').count(), 0, 'a manager is not offered to undo a closure of every office');
  assert.equal((await staffPost(manager, `/api/staff/closures/${adminSaved.closure.id}/reopen`)).status, 403);

  for (const context of [manager, other, operator, admin]) {
    assert.deepEqual(unexpectedProblems(context), []);
    await context.close();
  }
});

test('axe: no violation on /gestione/ in Italian and English at 320 px, with the form, a preview, a saved closure and the list; a refused field', async () => {
  const context = await site.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto('/gestione/');
  await page.getByRole('heading', { name: 'Accedi alla gestione delle sedi' }).waitFor();
  await expectNoAxeViolations(page, 'the closures sign-in (it, 320 px)');

  // In English, from the header's switch.
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Office management — Closures' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByLabel('Work e-mail').fill(MANAGER.email);
  await page.getByLabel('Password', { exact: true }).fill(MANAGER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText(`Signed in as ${MANAGER.email} (manager)`).waitFor();
  assert.equal(await page.title(), 'Office management — Closures – Prenota – Comune di Bergamo');

  // Empty reasons are told beside their fields, before asking the server.
  await page.getByLabel('From', { exact: true }).fill(FRIDAY);
  await page.getByRole('button', { name: 'Check the effect' }).click();
  await page.locator('#cl-reason-it-error').filter({ hasText: 'Enter the reason in Italian.' }).waitFor();
  await focusIsOn(page, 'cl-reason-it');
  assert.equal(await page.locator('#cl-reason-it').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#cl-reason-en').getAttribute('aria-describedby'), /cl-reason-en-error/);
  await expectNoAxeViolations(page, 'the closures form with errors (en, 320 px)');

  // A whole day saved (nobody booked: nobody to tell).
  await page.getByLabel('Reason in Italian').fill('Disinfestazione dei locali');
  await page.getByLabel('Reason in English').fill('Pest control');
  await page.getByRole('button', { name: 'Check the effect' }).click();
  await page.locator('#preview-count').filter({ hasText: 'No confirmed or pending appointment' }).waitFor();
  assert.match(await page.locator('#preview-what').innerText(), /^Ufficio 1, Fri, 5 Feb 2027, the whole day\.$/);
  await page.getByRole('button', { name: 'Save the closure' }).click();
  await page.locator('#saved').filter({ hasText: 'Closure saved' }).waitFor();
  assert.match(await page.locator('#saved').innerText(), /No citizen to tell\./);
  await page.locator('#closure-list li').filter({ hasText: 'Ufficio 1, Fri, 5 Feb 2027, the whole day' }).waitFor();
  await expectNoAxeViolations(page, 'the closures page after saving (en, 320 px)');

  // Another one previewed: the form, its preview and the list together.
  await page.getByLabel('From', { exact: true }).fill(NEXT_MONDAY);
  await page.getByLabel('To (optional)').fill(NEXT_MONDAY);
  await page.getByLabel('Reason in Italian').fill('Trasloco degli uffici');
  await page.getByLabel('Reason in English').fill('Office move');
  await page.getByRole('button', { name: 'Check the effect' }).click();
  await page.getByRole('heading', { name: 'Effect of the closure' }).waitFor();
  await focusIsOn(page, 'preview-title');
  await page.getByRole('heading', { name: 'Closures in force' }).waitFor();
  await noHorizontalScroll(page, 'closures preview en');
  await expectNoAxeViolations(page, 'the closures page with a preview and the list (en, 320 px)');
  await screenshot(page, 'closures-preview-en-320');

  // Back in Italian: the preview and the list say it in Italian.
  await page.getByRole('link', { name: 'Italiano' }).click();
  await page.getByRole('heading', { level: 1, name: 'Gestione sedi — Chiusure' }).waitFor();
  await page.locator('#preview-what').filter({ hasText: /^Ufficio 1, lun 8 feb 2027, tutto il giorno\.$/ }).waitFor();
  await page.getByRole('button', { name: 'Salva chiusura' }).waitFor();
  await page.locator('#closure-list li').filter({ hasText: 'Ufficio 1, ven 5 feb 2027, tutto il giorno' }).waitFor();
  await noHorizontalScroll(page, 'closures preview it');
  await expectNoAxeViolations(page, 'the closures page with a preview and the list (it, 320 px)');

  // A day in the past: the server's detail, in the page's language, beside "Dal".
  await page.getByLabel('Dal', { exact: true }).fill('2026-01-05');
  await page.getByLabel('Al (facoltativo)').fill('');
  assert.equal(await page.locator('#preview').isHidden(), true, 'a changed form hides the preview');
  const refusal = page.waitForResponse((r) => r.url().includes('/api/staff/closures/preview'));
  await page.getByRole('button', { name: 'Verifica effetto' }).click();
  const answer = await refusal;
  assert.equal(answer.status(), 422);
  const problem = await answer.json();
  assert.equal(problem.code, 'invalid_closure');
  // The server names "to" (the end day, which defaults to the first): with "Al" left empty, the
  // page shows it beside the day that was typed.
  assert.ok(['from', 'to'].includes(problem.field), `the problem names the day: ${JSON.stringify(problem)}`);
  const input = 'cl-from';
  const error = page.locator(`#${input}-error`);
  await error.waitFor();
  assert.equal((await error.innerText()).trim(), problem.detail);
  assert.match(problem.detail, /^Controlla il campo indicato/);
  await focusIsOn(page, input);
  assert.equal(await page.locator(`#${input}`).getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator(`#${input}`).getAttribute('aria-describedby'), new RegExp(`\\b${input}-error\\b`));
  await noHorizontalScroll(page, 'closures refused field');
  await expectNoAxeViolations(page, 'the closures page with a refused field (it, 320 px)');

  assert.deepEqual(unexpectedProblems(context, [...EXPECTED, 422]), []);
  await context.close();
});

test('reopening by keyboard: asked first, then shown as reopened and the afternoon offered again', async () => {
  const context = await site.newContext({ viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  await signIn(page, MANAGER);
  const before = await freeSlots(site.url, SERVICE, OFFICE, THURSDAY);
  const afternoon = before.filter((start) => start >= '14:00');
  assert.ok(afternoon.length > 0, `Thursday afternoon is offered: ${before}`);

  // Thursday afternoon closed.
  await previewClosure(page, {
    from: THURSDAY, hours: ['14:00', '17:00'], reasonIt: 'Guasto all\'impianto elettrico', reasonEn: 'Electrical fault',
  });
  await page.locator('#preview-count').filter({ hasText: 'Nessun appuntamento confermato o in attesa' }).waitFor();
  await page.getByRole('button', { name: 'Salva chiusura' }).click();
  await page.locator('#saved').filter({ hasText: 'Chiusura salvata' }).waitFor();
  const title = 'Ufficio 1, gio 4 feb 2027, 14:00–17:00';
  await page.locator('#closure-list li').filter({ hasText: title }).waitFor();
  assert.deepEqual((await freeSlots(site.url, SERVICE, OFFICE, THURSDAY)).filter((s) => s >= '14:00'), [], 'closed');

  // "Annulla chiusura", then "No": nothing changes, the focus is back on the button.
  await tabTo(page, new RegExp(`^Annulla chiusura: ${title}`), 80);
  await page.keyboard.press('Enter');
  const question = page.locator('#closure-list li').filter({ hasText: title }).locator('.closure-confirm p');
  await question.waitFor();
  assert.match(await page.evaluate(() => document.activeElement?.id), /^ask-/, 'the focus is on the question');
  assert.match(await question.innerText(), /Vuoi annullare questa chiusura\?/);
  await expectNoAxeViolations(page, 'the closures page asking to reopen (it, 320 px)');
  await tabTo(page, /^No, mantienila$/);
  await page.keyboard.press('Enter');
  assert.match(await focusedName(page), new RegExp(`^Annulla chiusura: ${title}`));
  assert.deepEqual((await freeSlots(site.url, SERVICE, OFFICE, THURSDAY)).filter((s) => s >= '14:00'), [], 'still closed');

  // "Annulla chiusura", then "Sì": the closure moves to "Chiusure annullate", the times come back.
  await page.keyboard.press('Enter');
  await question.waitFor();
  await tabTo(page, /^Sì, annulla la chiusura$/);
  await page.keyboard.press('Enter');
  const done = page.locator('#reopen-done');
  await done.filter({ hasText: 'Chiusura annullata' }).waitFor();
  await focusIsOn(page, 'reopen-done');
  await page.locator('#announcer').filter({ hasText: 'Chiusura annullata' }).waitFor();
  assert.equal(await page.locator('#closure-list li').filter({ hasText: title }).count(), 0, 'no longer in force');
  const reopened = page.locator('#reopened-list li').filter({ hasText: title });
  await reopened.waitFor();
  assert.match(await reopened.innerText(), /Annullata il .*: gli orari sono di nuovo prenotabili\./);
  assert.equal(await reopened.getByRole('button').count(), 0, 'nothing to undo any more');
  await page.getByRole('heading', { level: 2, name: 'Chiusure annullate' }).waitFor();
  assert.deepEqual((await freeSlots(site.url, SERVICE, OFFICE, THURSDAY)).filter((s) => s >= '14:00'), afternoon,
    'the afternoon is offered again');
  // A reload lists it the same way (from GET /api/staff/closures).
  await page.reload();
  await page.locator('#reopened-list li').filter({ hasText: title }).waitFor();
  assert.equal(await page.locator('#closure-list li').filter({ hasText: title }).count(), 0);
  await noHorizontalScroll(page, 'closures reopened');
  await expectNoAxeViolations(page, 'the closures page with a reopened closure (it, 320 px)');
  await screenshot(page, 'closures-reopened-320');

  // Signing out by keyboard brings back the sign-in.
  await tabTo(page, /^Esci$/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Accedi alla gestione delle sedi' }).waitFor();
  await page.locator('#signin-notice').filter({ hasText: 'Sei uscito dalla gestione delle sedi.' }).waitFor();
  await focusIsOn(page, 'signin-title');

  assert.deepEqual(unexpectedProblems(context, EXPECTED), []);
  await context.close();
});
