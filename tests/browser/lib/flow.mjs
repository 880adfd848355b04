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

/** Fails when the page scrolls sideways, naming the elements that stick out past the viewport. */
export async function noHorizontalScroll(page, label) {
  // A heading can be in the DOM before the stylesheets and fonts arrive, and the citizen never sees
  // that unstyled layout (stylesheets block rendering): measure what is drawn.
  await page.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const clientWidth = document.documentElement.clientWidth;
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > clientWidth + 0.5)
      .slice(-3)
      .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px: "${el.textContent.trim().slice(0, 60)}")`);
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth, wide };
  });
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
