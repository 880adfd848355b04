// Steps of the citizen's flow shared by the tests, with assertions on what the citizen sees.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { SCREENSHOTS } from './browser.mjs';

/**
 * In Italian, from the deep link to "Scegli orario" at ufficio-1: takes the first free slot, fills
 * "Inserisci dati" with this person, accepts the privacy notice and waits for "Riepilogo".
 */
export async function bookUpToSummary(page, { name, surname, contact }) {
  await page.goto('/?service=cie&office=ufficio-1');
  await page.locator('.slot-button').first().click();
  await page.getByLabel('Nome', { exact: true }).fill(name);
  await page.getByLabel('Cognome').fill(surname);
  await page.getByLabel('E-mail o cellulare').fill(contact);
  await page.locator('label[for="f-accept"]').click(); // Bootstrap Italia draws the box on the label
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByRole('heading', { name: 'Riepilogo' }).waitFor();
}

/** Opens the confirmation link that the outbox holds for `contact` (the newest message first). */
export async function confirmationLink(page, baseURL, contact) {
  const outbox = await page.context().newPage();
  await outbox.goto(`${baseURL}/outbox`);
  const message = outbox.locator(`article[data-kind="confirmation-request"][data-recipient="${contact}"]`).first();
  const href = await message.locator('a[href*="/c/"]').first().getAttribute('href');
  await outbox.close();
  assert.ok(href, `no confirmation link for ${contact} in the outbox`);
  return new URL(href).pathname;
}

/** axe-core with the WCAG 2.x A/AA rules and best practices: returns readable violations. */
export async function axeViolations(page, { exclude = [] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  for (const selector of exclude) builder = builder.exclude(selector);
  const { violations } = await builder.analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`).join('\n    ')}`);
}

export async function expectNoAxeViolations(page, label, options) {
  const violations = await axeViolations(page, options);
  assert.deepEqual(violations, [], `axe violations on ${label}:\n  ${violations.join('\n  ')}`);
}

/** What sticks out past the viewport now: the page's width and the outermost offenders. */
function measureWidth(page) {
  return page.evaluate(() => {
    const clientWidth = document.documentElement.clientWidth;
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > clientWidth + 0.5)
      .slice(-3)
      .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px: "${el.textContent.trim().slice(0, 60)}")`);
    // Bootstrap Italia sets overflow-x: hidden on html and body: the page never scrolls sideways,
    // it cuts off instead, so the body's own scroll width is what tells.
    return { scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), clientWidth, wide };
  });
}

/**
 * Fails when the settled page is wider than the viewport (scrolls sideways, or is cut off where
 * overflow is hidden), naming the elements that stick out and keeping a
 * screenshot. Settled: loaded, fonts ready, and still too wide after 3 s, since a heading can be
 * in the DOM before the page is drawn as the citizen sees it (once, on a loaded CI machine, a
 * page measured 356 px at 320 and was fine on every rerun).
 */
export async function noHorizontalScroll(page, label) {
  // Bounded: a page whose load never ends is measured as it stands (and retried below).
  await page.waitForLoadState('load', { timeout: 5000 }).catch(() => {});
  await page.evaluate(() => Promise.race([document.fonts.ready, new Promise((done) => setTimeout(done, 5000))]).then(() => undefined));
  let width = await measureWidth(page);
  for (let tries = 0; width.scrollWidth > width.clientWidth && tries < 12; tries += 1) {
    await page.waitForTimeout(250);
    width = await measureWidth(page);
  }
  const { scrollWidth, clientWidth, wide } = width;
  if (scrollWidth > clientWidth) {
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `overflow-${label.replace(/\W+/g, '-')}.png`), fullPage: true });
  }
  assert.ok(scrollWidth <= clientWidth, `${label}: page is ${scrollWidth}px wide in a ${clientWidth}px viewport; sticking out: ${wide.join('; ')}`);
}

/** The API's view of a day: used to check that a slot really is free or taken. */
export async function freeSlots(baseURL, serviceId, officeId, date) {
  const response = await fetch(`${baseURL}/api/services/${serviceId}/offices/${officeId}/slots?date=${date}`);
  assert.equal(response.status, 200);
  return (await response.json()).slots.map((s) => s.start);
}

/** Console errors and page errors, except the browser's own log lines for the HTTP statuses a test provokes. */
export function unexpectedProblems(context, allowedStatuses = []) {
  return context.problems.filter((p) => !allowedStatuses.some((status) => p.includes(`status of ${status}`)));
}

/**
 * Each visible form label (Bootstrap Italia lifts it above its field) against every other visible
 * piece of text: answers the pairs whose boxes overlap, e.g. "label 'Cerca un servizio' × h2 'Cerca servizio'".
 */
export function labelOverlaps(page) {
  return page.evaluate(() => {
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
    const name = (el) => `${el.tagName.toLowerCase()} '${el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40)}'`;
    const labels = [...document.querySelectorAll('main .form-group > label')].filter(visible);
    const texts = [...document.querySelectorAll('main h1, main h2, main h3, main p, main small, main label, main li, main legend, main .chosen')]
      .filter(visible);
    const found = [];
    for (const label of labels) {
      const a = label.getBoundingClientRect();
      for (const other of texts) {
        if (other === label || other.contains(label) || label.contains(other)) continue;
        const b = other.getBoundingClientRect();
        const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (width > 0.5 && height > 0.5) found.push(`${name(label)} × ${name(other)} (${Math.round(width)}×${Math.round(height)} px)`);
      }
    }
    return found;
  });
}
