// What a browser walk-through of the citizen's site found, each kept from coming back: the search
// label on the step heading, card texts in a font we do not ship (Lora → Georgia/Times), the header
// tagline cut at 320 px, home cards off-centre on phones, map markers deaf to Enter and Space, the
// details step silent about the chosen office and time, and the wizard without a breadcrumb.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverAndBrowser } from './lib/fixture.mjs';
import { bookUpToSummary, expectNoAxeViolations, labelOverlaps, noHorizontalScroll, unexpectedProblems } from './lib/flow.mjs';

const site = serverAndBrowser();

const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const SMALL = { width: 320, height: 640 };

/** The offices of a service as the API lists them (names, addresses, ids). */
async function officesOf(serviceId) {
  const response = await fetch(`${site.url}/api/services/${serviceId}/offices`);
  assert.equal(response.status, 200);
  return (await response.json()).offices;
}

// ---------------------------------------------------------------------------------------------
// 1 Labels clear of the text above them
// ---------------------------------------------------------------------------------------------

test('the "Cerca un servizio" label does not overlap the step heading, nor any form label other text, at 390 and 1280 px', async () => {
  const context = await site.newContext();
  const page = await context.newPage();
  for (const viewport of [PHONE, WIDE]) {
    await page.setViewportSize(viewport);
    await page.goto('/?step=service');
    await page.locator('.service-list').waitFor();
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const [label, heading] = await Promise.all([
      page.getByText('Cerca un servizio', { exact: true }).boundingBox(),
      page.getByRole('heading', { name: 'Cerca servizio' }).boundingBox(),
    ]);
    const apart = label.y >= heading.y + heading.height || label.y + label.height <= heading.y
      || label.x >= heading.x + heading.width || label.x + label.width <= heading.x;
    assert.ok(apart, `at ${viewport.width} px the label (${JSON.stringify(label)}) overlaps the heading (${JSON.stringify(heading)})`);
    assert.deepEqual(await labelOverlaps(page), [], `Cerca servizio at ${viewport.width} px`);

    await page.goto('/?service=cie&office=ufficio-1');
    await page.locator('.slot-button').first().click();
    await page.locator('#details-form').waitFor();
    assert.deepEqual(await labelOverlaps(page), [], `Inserisci dati at ${viewport.width} px`);
    await page.getByRole('link', { name: 'Modifica l\'orario' }).click(); // releases the hold

    await page.goto('/?view=my-bookings');
    await page.locator('#my-form').waitFor();
    assert.deepEqual(await labelOverlaps(page), [], `Le mie prenotazioni at ${viewport.width} px`);
  }
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 2 Only the fonts we ship
// ---------------------------------------------------------------------------------------------

/**
 * The fonts Chromium really draws each element's text with (DevTools' "Rendered fonts"), for the
 * elements whose text is not in one of our web fonts: e.g. "p.card-text: DejaVu Serif". Waits for
 * fonts still loading (a swap shows the fallback first) before it calls a font a fallback.
 */
async function textNotInOurFonts(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    let found = [];
    for (let tries = 0; tries < 12; tries += 1) {
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'body, body *' });
      found = [];
      for (const nodeId of nodeIds) {
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId }).catch(() => ({ fonts: [] }));
        const foreign = fonts.filter((font) => !font.isCustomFont);
        if (!foreign.length) continue;
        const { node } = await cdp.send('DOM.describeNode', { nodeId });
        const attributes = Object.fromEntries((node.attributes ?? []).reduce((pairs, value, i, all) => (i % 2 ? pairs : [...pairs, [value, all[i + 1]]]), []));
        const described = `${node.localName}${attributes.id ? `#${attributes.id}` : ''}${attributes.class ? `.${attributes.class.trim().split(/\s+/).join('.')}` : ''}`;
        found.push(`${described}: ${foreign.map((font) => `${font.familyName} (${font.glyphCount} glyphs)`).join(', ')}`);
      }
      if (!found.length) return found;
      await page.waitForTimeout(250);
    }
    return found;
  } finally {
    await cdp.detach();
  }
}

/** The card text's font: the first family of its font-family, loaded from our @font-face rules. */
function cardFont(page, selector) {
  return page.evaluate((cardSelector) => {
    const text = document.querySelector(cardSelector);
    const style = getComputedStyle(text);
    const family = style.fontFamily.split(',')[0].trim().replace(/^["']|["']$/g, '');
    const faces = [...document.fonts].filter((face) => face.family.replace(/^["']|["']$/g, '') === family);
    return {
      family,
      check: document.fonts.check(`${style.fontStyle} ${style.fontWeight} 16px "${family}"`),
      loaded: faces.some((face) => face.status === 'loaded' && String(face.weight) === String(style.fontWeight) && face.style === style.fontStyle),
    };
  }, selector);
}

test('every text, card texts included, is drawn in a font served by us: no Lora, Georgia or Times fallback', async () => {
  const context = await site.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const problems = [];
  const checkFonts = async (label) => {
    const foreign = await textNotInOurFonts(page);
    if (foreign.length) problems.push(`${label}:\n    ${foreign.slice(0, 8).join('\n    ')}`);
  };

  await page.goto('/');
  await page.locator('.home-cards .card-text').first().waitFor();
  assert.deepEqual(await cardFont(page, '.home-cards .card-text'), { family: 'Titillium Web', check: true, loaded: true });
  await checkFonts('home');

  await page.goto('/?step=service');
  await page.locator('.service-list .card-text').first().waitFor();
  assert.deepEqual(await cardFont(page, '.service-list .card-text'), { family: 'Titillium Web', check: true, loaded: true });
  await checkFonts('Cerca servizio');
  await page.getByLabel('Cerca un servizio').fill('zzzz');
  await page.locator('.no-results').waitFor();
  assert.deepEqual(await cardFont(page, '.no-results p'), { family: 'Titillium Web', check: true, loaded: true });
  await checkFonts('Cerca servizio, no result');

  await page.goto('/?service=cie');
  await page.locator('.leaflet-control-zoom-in').waitFor();
  await page.locator('.map-status:not([hidden])').waitFor();
  await checkFonts('Scegli sede, with the map');
  await page.locator('.office-list button').first().click();
  await page.locator('.slot-button').first().waitFor();
  await checkFonts('Scegli orario');
  await page.locator('.slot-button').first().click();
  await page.locator('#details-form').waitFor();
  await checkFonts('Inserisci dati');
  await bookUpToSummary(page, { name: 'Ada', surname: 'Serif', contact: 'ada.serif@esempio.it' });
  await checkFonts('Riepilogo');
  await page.getByRole('button', { name: 'Invia' }).click();
  await page.getByRole('heading', { name: 'Conferma' }).waitFor();
  await checkFonts('Conferma');

  await page.goto('/?view=my-bookings');
  await page.locator('#my-form').waitFor();
  await checkFonts('Le mie prenotazioni');
  for (const info of ['privacy', 'termini', 'accessibilita', 'faq', 'segnala-disservizio']) {
    await page.goto(`/${info}.html`);
    await page.locator('article:not([hidden]) h1').waitFor();
    await checkFonts(info);
  }
  assert.deepEqual(problems, [], `text drawn in a font we do not ship:\n  ${problems.join('\n  ')}`);

  // Every font came from our origin; nothing was asked of another one but the map's tiles.
  const fonts = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((url) => /\.(woff2?|ttf|otf)(\?|$)/.test(url)));
  assert.ok(fonts.every((url) => url.startsWith(`${site.url}/assets/fonts/`)), fonts.join(', '));
  assert.deepEqual(context.blocked.filter((url) => !url.startsWith('https://tile.openstreetmap.org/')), []);
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 3 The header tagline, whole at 320 px
// ---------------------------------------------------------------------------------------------

/** Where the header's tagline is cut, hidden or covered: an empty list when all of it shows. */
function taglineTrouble(page) {
  return page.evaluate(() => {
    const tagline = document.querySelector('.it-header-center-wrapper .it-brand-tagline');
    const bar = document.querySelector('.it-header-center-wrapper').getBoundingClientRect();
    const style = getComputedStyle(tagline);
    const trouble = [];
    if (tagline.scrollWidth > tagline.clientWidth) trouble.push(`scrollWidth ${tagline.scrollWidth} > clientWidth ${tagline.clientWidth}`);
    if (tagline.scrollHeight > tagline.clientHeight) trouble.push(`scrollHeight ${tagline.scrollHeight} > clientHeight ${tagline.clientHeight}`);
    if (style.textOverflow === 'ellipsis' || style.whiteSpace === 'nowrap') trouble.push(`text-overflow ${style.textOverflow}, white-space ${style.whiteSpace}`);
    // Each line of the text: inside the viewport, on the blue bar (white on white is not shown),
    // inside every ancestor that clips, and on top (not covered by what follows).
    const range = document.createRange();
    range.selectNodeContents(tagline);
    const clippers = [];
    for (let el = tagline.parentElement; el && el !== document.documentElement; el = el.parentElement) {
      const s = getComputedStyle(el);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') clippers.push(el);
    }
    const inside = (line, box) => line.left >= box.left - 0.5 && line.right <= box.right + 0.5 && line.top >= box.top - 0.5 && line.bottom <= box.bottom + 0.5;
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    if (!lines.length) trouble.push('no line of text drawn');
    for (const line of lines) {
      const where = `line at ${Math.round(line.left)},${Math.round(line.top)}–${Math.round(line.right)},${Math.round(line.bottom)}`;
      if (line.left < 0 || line.right > document.documentElement.clientWidth) trouble.push(`${where} outside the viewport`);
      if (!inside(line, bar)) trouble.push(`${where} outside the blue bar (${Math.round(bar.top)}–${Math.round(bar.bottom)})`);
      for (const clipper of clippers) if (!inside(line, clipper.getBoundingClientRect())) trouble.push(`${where} clipped by ${clipper.className}`);
      const hit = document.elementFromPoint((line.left + line.right) / 2, (line.top + line.bottom) / 2);
      if (!hit || !tagline.contains(hit)) trouble.push(`${where} covered by ${hit?.tagName}.${hit?.className}`);
    }
    return { text: tagline.textContent.trim(), trouble };
  });
}

test('the header tagline shows whole at 320 px (wrapping, never cut), in Italian and English', async () => {
  const context = await site.newContext({ viewport: SMALL });
  const page = await context.newPage();
  for (const [lang, text] of [['it', 'Prenota un appuntamento agli sportelli'], ['en', 'Book an appointment at the counters']]) {
    for (const path of ['/', '/?step=service', '/privacy.html']) {
      await page.goto(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
      await page.waitForLoadState('load');
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      assert.deepEqual(await taglineTrouble(page), { text, trouble: [] }, `${path} in ${lang}`);
    }
    await noHorizontalScroll(page, `tagline ${lang}`);
  }
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 4 Cards centred on phones
// ---------------------------------------------------------------------------------------------

/** Each card's gap to the left and right edges of the viewport. */
function cardGaps(page, selector) {
  return page.evaluate((cards) => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll(cards)].map((card) => {
      const r = card.getBoundingClientRect();
      return { left: Math.round(r.left * 10) / 10, right: Math.round((width - r.right) * 10) / 10 };
    });
  }, selector);
}

test('cards have the same margin on the left and on the right at 390 and 320 px', async () => {
  const context = await site.newContext();
  const page = await context.newPage();
  for (const viewport of [PHONE, SMALL]) {
    await page.setViewportSize(viewport);
    for (const [path, cards] of [['/', '.home-cards .card'], ['/?step=service', '.service-list .card'], ['/?service=cie', '.office-list .card']]) {
      await page.goto(path);
      await page.locator(cards).first().waitFor();
      const gaps = await cardGaps(page, cards);
      assert.ok(gaps.length >= 2, `${path}: cards found`);
      for (const { left, right } of gaps) {
        assert.ok(left >= 0 && right >= 0, `${path} at ${viewport.width} px: a card sticks out (${left} / ${right})`);
        assert.ok(Math.abs(left - right) <= 1, `${path} at ${viewport.width} px: ${left} px on the left, ${right} px on the right`);
      }
    }
  }
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// 5 Map markers by keyboard
// ---------------------------------------------------------------------------------------------

/** Presses Tab until a map marker whose name starts with `name` has the focus. */
async function tabToMarker(page, name, max = 60) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.matches('.leaflet-marker-icon') ? { marker: true, name: el.alt, role: el.getAttribute('role') } : { marker: false, name: (el?.getAttribute('aria-label') || el?.textContent || '').trim().slice(0, 40) };
    });
    if (focused.marker && focused.name.startsWith(name)) return focused;
    seen.push(focused.name);
  }
  throw new Error(`Tab never reached the marker of ${name}; focus went through: ${seen.join(' | ')}`);
}

const chosenOffice = (page) => page.evaluate(() => {
  const { office, date } = JSON.parse(sessionStorage.getItem('prenota.wizard'));
  return { office, date };
});

test('Enter or Space on a focused map marker chooses that office, as a click does (keyboard only, 320 px)', async () => {
  const offices = (await officesOf('cie')).filter((office) => office.first_slot);
  assert.ok(offices.length >= 2, 'two offices with free slots');
  const context = await site.newContext({ viewport: SMALL, hasTouch: false });
  const page = await context.newPage();
  const byKeyboard = {};
  // The last office by Enter, the first by Space: the marker chooses its own office, not the first.
  for (const [key, office] of [['Enter', offices.at(-1)], ['Space', offices[0]]]) {
    await page.goto('/?service=cie');
    await page.getByRole('heading', { name: 'Scegli sede' }).waitFor();
    await page.locator('.leaflet-marker-icon').first().waitFor({ state: 'attached' });
    const marker = await tabToMarker(page, `${office.name}: scegli questa sede`);
    assert.equal(marker.role, 'button');
    await page.evaluate(() => document.addEventListener('keydown', (event) => { window.keyPrevented = event.defaultPrevented; }, { once: true }));
    await page.keyboard.press(key);
    await page.getByRole('heading', { name: 'Scegli orario' }).waitFor({ timeout: 10000 });
    assert.equal(await page.evaluate(() => window.keyPrevented), true, `${key}: the page does not also scroll or submit`);
    assert.equal(new URL(page.url()).search, '?step=slot');
    assert.match(await page.locator('.chosen').nth(1).innerText(), new RegExp(office.name, 'i'));
    byKeyboard[office.id] = await chosenOffice(page);
    assert.equal(byKeyboard[office.id].office.id, office.id, `${key} chose ${office.name}`);
    await noHorizontalScroll(page, `Scegli orario after ${key} on a marker`);
  }
  assert.deepEqual(unexpectedProblems(context), []);
  await context.close();

  // The same markers clicked with the mouse lead to the same step with the same choice.
  const mouse = await site.newContext({ viewport: WIDE });
  const clicking = await mouse.newPage();
  for (const office of [offices.at(-1), offices[0]]) {
    await clicking.goto('/?service=cie');
    await clicking.getByRole('button', { name: `${office.name}: scegli questa sede` }).click();
    await clicking.getByRole('heading', { name: 'Scegli orario' }).waitFor();
    assert.deepEqual(await chosenOffice(clicking), byKeyboard[office.id]);
  }
  assert.deepEqual(unexpectedProblems(mouse), []);
  await mouse.close();
});

// ---------------------------------------------------------------------------------------------
// 6 The choices, on top of the details step
// ---------------------------------------------------------------------------------------------

const SUMMARY = {
  it: { service: "Carta d'identità elettronica (CIE)", heading: 'Inserisci dati', slotHeading: 'Scegli orario', modify: 'MODIFICA',
    links: ['Modifica il servizio', 'Modifica la sede', "Modifica l'orario"], slotLabel: 'Data e orario scelti:', at: 'ore' },
  en: { service: 'Electronic identity card (CIE)', heading: 'Your details', slotHeading: 'Choose time', modify: 'CHANGE',
    links: ['Change the service', 'Change the office', 'Change the time'], slotLabel: 'Chosen date and time:', at: 'at' },
};

test('the details step starts with the chosen service, office (name and address) and date and time, each with MODIFICA, in Italian and English', async () => {
  const office = (await officesOf('cie')).find((o) => o.id === 'ufficio-1');
  for (const viewport of [WIDE, SMALL]) {
    for (const lang of ['it', 'en']) {
      const T = SUMMARY[lang];
      const context = await site.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`/?service=cie&office=ufficio-1&lang=${lang}`);
      const slot = page.locator('.slot-button').first();
      // "09:00–09:30, lunedì 7 dicembre 2026, Ufficio 1": the slot's time and day as the citizen read them.
      const [time, day] = (await slot.getAttribute('aria-label')).split(', ');
      await slot.click();
      await page.getByRole('heading', { name: T.heading }).waitFor();

      const chosen = page.locator('#step-content .chosen');
      assert.equal(await chosen.count(), 3);
      const [service, where, when] = await chosen.allInnerTexts();
      assert.match(service, new RegExp(T.service.replace(/[()]/g, '\\$&')));
      assert.ok(where.includes(office.name.toUpperCase()) && where.includes(office.address), `office: ${where}`);
      assert.ok(when.includes(T.slotLabel) && when.includes(day) && when.includes(`${T.at} ${time}`), `date and time: ${when}`);
      // On top: before the step's heading and its form.
      assert.equal(await page.evaluate(() => {
        const blocks = [...document.querySelectorAll('#step-content .chosen')];
        const heading = document.getElementById('step-heading');
        return blocks.every((block) => block.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_FOLLOWING);
      }), true);
      for (const [i, name] of T.links.entries()) {
        const link = chosen.nth(i).getByRole('link', { name });
        assert.equal(await link.innerText(), T.modify);
      }
      if (viewport === SMALL) await noHorizontalScroll(page, `details summary ${lang}`);

      // MODIFICA on the time, by keyboard, goes back to "Scegli orario" (and releases the hold).
      await chosen.nth(2).getByRole('link', { name: T.links[2] }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: T.slotHeading }).waitFor();
      assert.equal(await page.getByRole('timer').isHidden(), true);
      assert.deepEqual(unexpectedProblems(context), []);
      await context.close();
    }
  }
});

// ---------------------------------------------------------------------------------------------
// 7 The breadcrumb
// ---------------------------------------------------------------------------------------------

const CRUMBS = {
  it: { label: 'Percorso di navigazione', home: 'Home', booking: 'Prenotazione appuntamento', service: "Carta d'identità elettronica (CIE)",
    steps: { service: 'Cerca servizio', office: 'Scegli sede', slot: 'Scegli orario', details: 'Inserisci dati', summary: 'Riepilogo', done: 'Conferma' },
    name: 'Nome', surname: 'Cognome', contact: 'E-mail o cellulare', next: 'Continua', send: 'Invia', my: 'Le mie prenotazioni' },
  en: { label: 'Breadcrumb', home: 'Home', booking: 'Appointment booking', service: 'Electronic identity card (CIE)',
    steps: { service: 'Find service', office: 'Choose office', slot: 'Choose time', details: 'Your details', summary: 'Summary', done: 'Confirmation' },
    name: 'Name', surname: 'Surname', contact: 'E-mail or mobile number', next: 'Continue', send: 'Send', my: 'My bookings' },
};

/** The breadcrumb as it stands: its name, marker and items (text, link, aria-current). */
function readCrumbs(page) {
  return page.evaluate(() => {
    const navs = [...document.querySelectorAll('nav[data-element="breadcrumb"]')].filter((nav) => nav.getClientRects().length);
    if (navs.length !== 1) return { count: navs.length };
    const [nav] = navs;
    return {
      count: 1,
      label: nav.getAttribute('aria-label'),
      items: [...nav.querySelectorAll('ol > li')].map((li) => {
        const link = li.querySelector('a');
        return { text: (link ?? li).textContent.trim(), href: link?.getAttribute('href') ?? null, current: li.getAttribute('aria-current') };
      }),
      currents: nav.querySelectorAll('[aria-current]').length,
      // Above the page's (visible) title, as in Designers Italia's pages.
      firstInMain: nav.compareDocumentPosition([...document.querySelectorAll('main h1')].find((h1) => h1.getClientRects().length))
        === Node.DOCUMENT_POSITION_FOLLOWING,
    };
  });
}

async function expectCrumbs(page, T, current, label, { middle = true } = {}) {
  const items = [{ text: T.home, href: '/', current: null }];
  if (middle) items.push({ text: T.booking, href: '/?step=service', current: null });
  items.push({ text: current, href: null, current: 'page' });
  assert.deepEqual(await readCrumbs(page), { count: 1, label: T.label, items, currents: 1, firstInMain: true }, label);
  assert.equal(await page.getByRole('navigation', { name: T.label }).isVisible(), true, label);
  await expectNoAxeViolations(page, label);
}

for (const lang of ['it', 'en']) {
  test(`a breadcrumb Home / ${CRUMBS[lang].booking} / the step on every step of the wizard, axe-clean (${lang})`, async () => {
    const T = CRUMBS[lang];
    const context = await site.newContext({ viewport: WIDE });
    const page = await context.newPage();
    await page.goto(`/?step=service&lang=${lang}`);
    await page.locator('.service-list').waitFor();
    await expectCrumbs(page, T, T.steps.service, `${lang} service`);
    await page.getByRole('button', { name: T.service }).click();
    await page.locator('.office-list').waitFor();
    await expectCrumbs(page, T, T.steps.office, `${lang} office`);
    await page.locator('.office-list button').first().click();
    await page.locator('.slot-button').first().waitFor();
    await expectCrumbs(page, T, T.steps.slot, `${lang} slot`);
    await page.locator('.slot-button').first().click();
    await page.locator('#details-form').waitFor();
    await expectCrumbs(page, T, T.steps.details, `${lang} details`);
    await page.getByLabel(T.name, { exact: true }).fill('Bruno');
    await page.getByLabel(T.surname).fill('Briciole');
    await page.getByLabel(T.contact).fill(`briciole-${lang}@esempio.it`);
    await page.locator('label[for="f-accept"]').click();
    await page.getByRole('button', { name: T.next }).click();
    await page.getByRole('heading', { name: T.steps.summary }).waitFor();
    await expectCrumbs(page, T, T.steps.summary, `${lang} summary`);
    await page.getByRole('button', { name: T.send, exact: true }).click();
    await page.getByRole('heading', { name: T.steps.done }).waitFor();
    await expectCrumbs(page, T, T.steps.done, `${lang} done`);

    // Its links work by keyboard: the middle one starts a booking, Home goes home.
    await page.getByRole('navigation', { name: T.label }).getByRole('link', { name: T.booking }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: T.steps.service }).waitFor();
    await expectCrumbs(page, T, T.steps.service, `${lang} service again`);
    await page.getByRole('navigation', { name: T.label }).getByRole('link', { name: T.home }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#view-home h1').waitFor();
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/');
    assert.equal((await readCrumbs(page)).count, 0, 'the home page has no breadcrumb');

    await page.goto('/?view=my-bookings');
    await page.locator('#my-form').waitFor();
    await expectCrumbs(page, T, T.my, `${lang} my bookings`, { middle: false });

    // At 320 px the breadcrumb wraps rather than widening the page.
    await page.setViewportSize(SMALL);
    await page.goto('/?step=service');
    await page.locator('.service-list').waitFor();
    await noHorizontalScroll(page, `breadcrumb ${lang} at 320`);
    assert.deepEqual(unexpectedProblems(context), []);
    await context.close();
  });
}
