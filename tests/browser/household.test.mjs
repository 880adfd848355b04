// Household booking ("Aggiungi un'altra persona"): a family of three booked in one flow, by
// keyboard alone (Tab, Enter, Space, typing: no mouse, no click()) at 320×640, in Italian — the
// people control and the quota rules on "Scegli orario", the times asked for three, the hold of
// three seats, one fieldset per person on "Inserisci dati", each person with their time on
// "Riepilogo", one confirmation message naming all three, one link confirming them all and three
// booking pages. Then axe (it, en) on the time step with the people control and on the details
// step with three people; and, with one desk per slot (ONE_DESK), the time that cannot seat two
// any more: 409 not_enough_seats, told, and chosen again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newContext, screenshot } from './lib/browser.mjs';
import { ONE_DESK } from './lib/catalogue.mjs';
import { expectNoAxeViolations, labelOverlaps, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';
import { focusedName, tabTo } from './lib/keyboard.mjs';
import { startServer } from './lib/server.mjs';

const PHONE = { width: 320, height: 640 };
const WIDE = { width: 1280, height: 900 };
const RANGE = /(\d\d:\d\d)–(\d\d:\d\d)/;

let bergamo; // Bergamo's catalogue: several desks per slot
let oneDesk; // one desk per slot
let browser;

before(async () => {
  [bergamo, oneDesk, browser] = await Promise.all([startServer(), startServer({ catalogue: ONE_DESK }), launch()]);
});

after(async () => {
  await browser?.close();
  await Promise.all([bergamo?.stop(), oneDesk?.stop()]);
});

/**
 * Waits (bounded, 5 s) until `list` has `n` responses recorded by the page's listener, their
 * bodies read: the events of a response reach the test a moment after the page has used it.
 */
async function recorded(list, n) {
  for (let waited = 0; list.length < n && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(list.map((entry) => entry.read));
}

/** The booking rules the server states (its settings), as GET /api/services answers them. */
async function rules(server) {
  const answer = await (await fetch(`${server.url}/api/services`)).json();
  assert.ok(answer.rules, 'GET /api/services states the rules');
  return answer.rules;
}

/** The outbox's messages to `contact`, as the outbox page lists them, newest first. */
async function outboxMessages(server, contact) {
  const outbox = await (await fetch(`${server.url}/outbox`)).text();
  const articles = outbox.match(/<article\b[\s\S]*?<\/article>/g) ?? [];
  return articles.filter((a) => a.includes(`data-recipient="${contact}"`));
}

/** The distinct paths of `prefix` (/c/ or /p/) linked from a message of the outbox page. */
function linkedPaths(article, prefix) {
  const paths = [...article.matchAll(/href="https?:\/\/[^/"]+(\/[cp]\/[A-Za-z0-9_-]+)[?"]/g)].map((m) => m[1]);
  return [...new Set(paths.filter((path) => path.startsWith(prefix)))];
}

/** Waits (2 s at most) until the focused element's name matches `wanted`; answers it. */
async function focusBecomes(page, wanted) {
  let name = '';
  for (let i = 0; i < 20; i += 1) {
    name = await focusedName(page);
    if (wanted.test(name)) return name;
    await page.waitForTimeout(100);
  }
  assert.match(name, wanted, 'the focus');
  return name;
}

/** Waits until the "Persone" box says the booking is for `n` people. */
async function peopleCount(page, n, lang = 'it') {
  const text = lang === 'it' ? `La prenotazione è per ${n === 1 ? '1 persona' : `${n} persone`}.` : `The booking is for ${n === 1 ? '1 person' : `${n} people`}.`;
  await page.locator('#people-count').filter({ hasText: text }).waitFor();
}

test('a family of three booked in one flow by keyboard alone at 320×640, in Italian: one message, one link, three bookings', async () => {
  const { people_max: max, active_per_person: perPerson, active_per_contact: perContact, per_service_day: perDay } = await rules(bergamo);
  assert.ok(max >= 3, `a household of three is allowed (people_max ${max})`);
  const contact = 'famiglia.rossi@esempio.it';
  const family = [['Maria', 'Rossi'], ['Luca', 'Bianchi'], ['Giulia', 'Verdi']];
  const context = await newContext(browser, bergamo.url, { viewport: PHONE, hasTouch: false });
  const page = await context.newPage();
  const holds = [];
  const bookings = [];
  page.on('response', async (response) => {
    const { pathname } = new URL(response.url());
    if (response.request().method() !== 'POST') return;
    const list = pathname === '/api/holds' ? holds : /^\/api\/holds\/[^/]+\/booking$/.test(pathname) ? bookings : null;
    if (!list) return;
    // Recorded at once, the body when it is read: the page may show the next step first.
    const entry = { sent: response.request().postDataJSON(), status: response.status(), answer: null };
    entry.read = response.json().catch(() => null).then((answer) => { entry.answer = answer; });
    list.push(entry);
  });

  // "Scegli orario": the people control, with the rules built from the server's numbers.
  await page.goto('/?service=cie&office=ufficio-1');
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  const box = page.getByRole('region', { name: 'Persone' });
  await box.waitFor();
  const stated = await box.innerText();
  assert.ok(stated.includes(`Puoi prenotare per te e per altre persone, fino a ${max} in tutto, con un solo contatto.`), stated);
  assert.ok(stated.includes(`Ogni persona può avere al massimo ${perPerson} prenotazioni attive e ${perDay === 1 ? 'una sola' : `al massimo ${perDay}`} per servizio e giorno; uno stesso contatto al massimo ${perContact}.`), stated);
  assert.ok(!stated.includes('orari immediatamente successivi'), 'the seats rule is said only for more than one person');
  await peopleCount(page, 1);
  assert.equal(await page.locator('[data-action="person-remove"]').count(), 0, 'the first person cannot be removed');
  await noHorizontalScroll(page, 'Scegli orario, one person');

  // "Aggiungi un'altra persona" up to the maximum; Enter keeps the focus on it.
  await tabTo(page, /^Aggiungi un'altra persona$/);
  for (let n = 2; n <= max; n += 1) {
    const asked = page.waitForRequest((r) => r.url().includes('/slots') && new URL(r.url()).searchParams.get('people') === String(n));
    await page.keyboard.press('Enter');
    await asked;
    await peopleCount(page, n);
    if (n < max) await focusBecomes(page, /^Aggiungi un'altra persona$/);
  }
  // At the maximum the button gives way to a note, and the focus to the last "Rimuovi".
  assert.equal(await page.getByRole('button', { name: "Aggiungi un'altra persona" }).count(), 0, 'no more people than the maximum');
  await page.getByText(`Hai raggiunto il numero massimo di persone per una prenotazione (${max}).`).waitFor();
  await focusBecomes(page, new RegExp(`^Rimuovi Persona ${max}$`));
  // "Rimuovi" by keyboard, down to three.
  for (let n = max - 1; n >= 3; n -= 1) {
    const asked = page.waitForRequest((r) => r.url().includes('/slots') && new URL(r.url()).searchParams.get('people') === String(n));
    await page.keyboard.press('Enter');
    await asked;
    await peopleCount(page, n);
    await focusBecomes(page, /^(Rimuovi Persona \d|Aggiungi un'altra persona)$/);
  }
  assert.deepEqual(await page.locator('.people-list li .people-name').allInnerTexts(), ['Persona 1', 'Persona 2', 'Persona 3']);
  assert.ok((await box.innerText()).includes('Se nell\'orario scelto non ci sono abbastanza sportelli liberi, le persone sono prenotate negli orari immediatamente successivi.'));
  await page.getByText('Ora scegli l\'orario tra quelli disponibili per 3 persone:').waitFor();
  await noHorizontalScroll(page, 'Scegli orario, three people');
  await screenshot(page, 'household-slot-320');

  // The first time listed for three.
  const slotName = await tabTo(page, /^\d\d:\d\d–\d\d:\d\d, /);
  const start = slotName.slice(0, 5);
  await page.keyboard.press('Enter');

  // "Inserisci dati": the hold asked for three and answered three seats, the first at the chosen time.
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  await recorded(holds, 1);
  assert.equal(holds.length, 1, 'one hold');
  assert.equal(holds[0].status, 201);
  assert.equal(holds[0].sent.people, 3, 'the hold asks for three people');
  const { seats } = holds[0].answer;
  assert.equal(seats?.length, 3, `three seats: ${JSON.stringify(holds[0].answer)}`);
  assert.equal(seats[0].start, start, 'the first person sits at the chosen time');
  assert.match(await page.getByRole('timer').innerText(), /\d\d:\d\d\s+Tempo per completare la prenotazione/);
  const chosen = await page.locator('#step-content .chosen').nth(2).innerText();
  for (const [i, seat] of seats.entries()) assert.ok(chosen.includes(`Persona ${i + 1}: ore ${seat.start}–${seat.end}`), `each person's time on top: ${chosen}`);
  const fieldsets = page.locator('#details-form fieldset');
  assert.equal(await fieldsets.count(), 3, 'one fieldset per person');
  assert.deepEqual(await fieldsets.locator('legend').allInnerTexts(), seats.map((seat, i) => `Persona ${i + 1}, ore ${seat.start}–${seat.end}`));
  assert.equal(await page.getByLabel('E-mail o cellulare').count(), 1, 'one contact for all');
  await noHorizontalScroll(page, 'Inserisci dati, three people');

  for (const [name, surname] of family) {
    await tabTo(page, /^Nome$/);
    await page.keyboard.type(name);
    await tabTo(page, /^Cognome$/);
    await page.keyboard.type(surname);
  }
  await tabTo(page, /^E-mail o cellulare$/);
  await page.keyboard.type(contact);
  await tabTo(page, /^Accetto i termini/);
  await page.keyboard.press('Space');
  await screenshot(page, 'household-details-320');
  await tabTo(page, /^Continua$/);
  await page.keyboard.press('Enter');

  // "Riepilogo": each person with their time; a reload keeps it all (sessionStorage).
  await page.getByRole('heading', { name: 'Riepilogo' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Riepilogo' }).waitFor();
  const summary = await page.locator('.summary-list').innerText();
  for (const [i, [name, surname]] of family.entries()) {
    assert.ok(new RegExp(`Persona ${i + 1}\\s+${name} ${surname}\\s+ore ${seats[i].start}–${seats[i].end}`).test(summary), `person ${i + 1} in the summary: ${summary}`);
  }
  assert.ok(summary.includes(contact));
  await noHorizontalScroll(page, 'Riepilogo, three people');
  await tabTo(page, /^Invia$/);
  await page.keyboard.press('Enter');

  // "Conferma": three bookings, one message with one link.
  await page.getByRole('heading', { name: 'Conferma' }).waitFor();
  await recorded(bookings, 1);
  assert.equal(bookings.length, 1);
  assert.equal(bookings[0].status, 202);
  assert.deepEqual(bookings[0].sent.people, family.map(([name, surname]) => ({ name, surname })), 'INVIA sends the three people in seat order');
  assert.equal(bookings[0].answer.people, 3);
  const done = await page.locator('#step-content').innerText();
  assert.match(done, /Hai prenotato per 3 persone: sono 3 prenotazioni, una per persona\./);
  assert.match(done, /un solo messaggio, un'e-mail a fa\*+@e\*+\.it, con un solo link per confermare tutte le 3 prenotazioni/);
  assert.equal(await page.getByRole('timer').isHidden(), true);
  await noHorizontalScroll(page, 'Conferma, three people');

  // One confirmation message, naming all three, with one confirmation link.
  const requests = (await outboxMessages(bergamo, contact)).filter((a) => a.includes('data-kind="confirmation-request"'));
  assert.equal(requests.length, 1, 'one confirmation message for the household');
  for (const [name, surname] of family) assert.match(requests[0], new RegExp(`${name}\\s+${surname}`, 'i'), `the message names ${name} ${surname}`);
  const confirm = linkedPaths(requests[0], '/c/');
  assert.equal(confirm.length, 1, `one confirmation link: ${confirm}`);

  // The link confirms the whole household, by keyboard.
  await page.goto(confirm[0]);
  await noHorizontalScroll(page, '/c/ of a household');
  await tabTo(page, /^Conferma\b.*prenotazion/i);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.locator('.qr svg').first().waitFor();

  // The confirmed message lists three booking pages; each is a booking of its own with a QR code.
  const confirmed = (await outboxMessages(bergamo, contact)).filter((a) => !a.includes('data-kind="confirmation-request"') && linkedPaths(a, '/p/').length);
  assert.equal(confirmed.length, 1, 'one message once confirmed');
  const pages = linkedPaths(confirmed[0], '/p/');
  assert.equal(pages.length, 3, `three booking pages: ${pages}`);
  const codes = new Set();
  for (const [i, path] of pages.entries()) {
    const response = await page.goto(path);
    assert.equal(response.status(), 200, path);
    await page.getByRole('heading', { level: 1, name: 'La tua prenotazione' }).waitFor();
    assert.equal(await page.locator('.qr svg').count(), 1, `${path}: one QR code`);
    codes.add(await page.locator('.short-code').first().innerText());
    const text = await page.locator('main').innerText();
    assert.match(text, RANGE, `${path} shows a time`);
    assert.ok(seats.some((seat) => text.includes(`${seat.start}–${seat.end}`)), `${path} shows one of the held times`);
    if (i === 0) await noHorizontalScroll(page, '/p/ of a household');
  }
  assert.equal(codes.size, 3, `three booking codes: ${[...codes]}`);
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

const AXE_TEXT = {
  it: { slot: 'Scegli orario', people: 'Persone', add: "Aggiungi un'altra persona", details: 'Inserisci dati', next: 'Continua', person: 'Persona', errors: 'Correggi questi errori' },
  en: { slot: 'Choose time', people: 'People', add: 'Add another person', details: 'Your details', next: 'Continue', person: 'Person', errors: 'Please correct these errors' },
};

for (const lang of ['it', 'en']) {
  test(`axe (${lang}): the time step with the people control and the details step with three people; none scrolls at 320 px`, async () => {
    const T = AXE_TEXT[lang];
    const context = await newContext(browser, bergamo.url, { viewport: WIDE });
    const page = await context.newPage();
    /** axe at 1280 px, then no sideways scroll at 320 px, with screenshots of both. */
    const check = async (label) => {
      await expectNoAxeViolations(page, label);
      await screenshot(page, `household-${label.replace(/\W+/g, '-')}-1280`);
      await page.setViewportSize(PHONE);
      await noHorizontalScroll(page, label);
      await screenshot(page, `household-${label.replace(/\W+/g, '-')}-320`);
      await page.setViewportSize(WIDE);
    };

    await page.goto(`/?service=cie&office=ufficio-1&lang=${lang}`);
    await page.getByRole('heading', { name: T.slot }).waitFor();
    await page.getByRole('region', { name: T.people }).waitFor();
    await check(`${lang} slot, one person`);
    for (const n of [2, 3]) {
      await page.getByRole('button', { name: T.add }).click();
      await peopleCount(page, n, lang);
    }
    await page.locator('.slot-button').first().waitFor();
    await check(`${lang} slot, three people`);

    await page.locator('.slot-button').first().click();
    await page.getByRole('heading', { name: T.details }).waitFor();
    assert.equal(await page.locator('#details-form fieldset').count(), 3);
    assert.match(await page.locator('#details-form legend').first().innerText(), new RegExp(`^${T.person} 1, \\S+ \\d\\d:\\d\\d–\\d\\d:\\d\\d$`));
    assert.deepEqual(await labelOverlaps(page), [], `${lang} details, three people`);
    await check(`${lang} details, three people`);

    // Empty: one message per name, each beside its field and linked from the summary at the top.
    await page.getByRole('button', { name: T.next }).click();
    const alert = page.getByRole('alert').filter({ hasText: T.errors });
    await alert.waitFor();
    assert.equal(await alert.locator('li').count(), 8, 'three names, three surnames, the contact and the terms');
    assert.equal(await page.locator('#f-surname-2').getAttribute('aria-invalid'), 'true');
    assert.equal(await alert.locator('a[href="#f-surname-2"]').count(), 1);
    await check(`${lang} details, three people, errors`);

    // INDIETRO gives every seat back.
    const released = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/holds/'));
    await page.getByRole('link', { name: lang === 'it' ? 'Indietro' : 'Back', exact: true }).click();
    assert.equal((await released).status(), 204);
    await page.getByRole('heading', { name: T.slot }).waitFor();
    await peopleCount(page, 3, lang);
    assert.deepEqual(unexpectedProblems(context), []);
    await context.close();
  });
}

test('with one desk per slot: times that cannot seat two are not offered, and a time that no longer can is told (409 not_enough_seats) and chosen again', async () => {
  const context = await newContext(browser, oneDesk.url, { viewport: PHONE });
  const page = await context.newPage();
  await page.goto('/?service=cie&office=sportello-unico');
  await page.getByRole('heading', { name: 'Scegli orario' }).waitFor();
  // A day after the first, so that every time of it is still ahead whatever the hour now.
  const { days } = await (await fetch(`${oneDesk.url}/api/services/cie/offices/sportello-unico/slots`)).json();
  const day = days[1];
  assert.ok(day, `a second day with free times: ${days}`);
  await page.locator('#day-select').selectOption(day);
  await page.waitForFunction((wanted) => {
    const select = document.querySelector('#day-select');
    const slot = document.querySelector('.slot-button');
    return select?.value === wanted && slot?.getAttribute('aria-label').includes(select.selectedOptions[0].textContent);
  }, day);
  const forOne = await page.locator('.slot-button').allInnerTexts();
  assert.ok(forOne.length >= 3, `times for one: ${forOne}`);

  // Two people: the day's last time has no time after it, so it cannot seat them.
  await page.getByRole('button', { name: "Aggiungi un'altra persona" }).click();
  await peopleCount(page, 2);
  await page.getByText("Ora scegli l'orario tra quelli disponibili per 2 persone:").waitFor();
  assert.equal(await page.locator('#day-select').inputValue(), day, 'the same day');
  const forTwo = await page.locator('.slot-button').allInnerTexts();
  assert.ok(!forTwo.includes(forOne.at(-1)), `the last time (${forOne.at(-1)}) is not offered for two: ${forTwo}`);
  assert.ok(forTwo.length >= 1, 'some time seats two');

  // Someone else takes the time right after the first one offered: it can no longer seat two.
  const [first] = forTwo;
  const next = first.split('–')[1];
  const taken = await fetch(`${oneDesk.url}/api/holds`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service_id: 'cie', office_id: 'sportello-unico', date: day, start: next }),
  });
  assert.equal(taken.status, 201, `the time after ${first} held by someone else`);

  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/holds'),
    page.getByRole('button', { name: new RegExp(`^${first}, `) }).click(),
  ]);
  assert.equal(refused.status(), 409);
  assert.equal((await refused.json()).code, 'not_enough_seats');
  const told = page.getByRole('alert').filter({ hasText: 'Non ci sono abbastanza sportelli liberi per 2 persone in questo orario e in quelli immediatamente successivi.' });
  await told.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-notice', 'the notice has the focus');
  assert.equal(await page.getByRole('heading', { name: 'Scegli orario' }).count(), 1, 'still choosing a time');
  await peopleCount(page, 2);
  await noHorizontalScroll(page, 'not enough seats');
  await screenshot(page, 'household-not-enough-seats-320');

  // Chosen again: the refused time is gone for two, the others can be pressed.
  const again = await page.locator('.slot-button:not([disabled])').allInnerTexts();
  assert.ok(!again.includes(first), `${first} is no longer offered for two: ${again}`);
  const offered = told.getByRole('button', { name: /^Prenota il primo orario libero: / });
  const choice = (await offered.count()) ? offered : page.locator('.slot-button').first();
  await choice.click();
  await page.getByRole('heading', { name: 'Inserisci dati' }).waitFor();
  assert.equal(await page.locator('#details-form fieldset').count(), 2, 'two people held');
  assert.deepEqual(unexpectedProblems(context, [409]), []);
  await context.close();
});
