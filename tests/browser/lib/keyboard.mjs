// Moving through a page with the keyboard only, as the keyboard tests do.

/** What a screen reader would call the focused element: aria-label, else its label or text. */
export function focusedName(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '';
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return (el.getAttribute('aria-label') || label?.textContent || el.textContent || '').trim().replace(/\s+/g, ' ');
  });
}

/** Presses Tab until the focused element's name matches `wanted`; fails after `max` presses. */
export async function tabTo(page, wanted, max = 60) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const name = await focusedName(page);
    if (wanted.test(name)) return name;
    seen.push(name);
  }
  throw new Error(`Tab never reached ${wanted}; focus went through: ${seen.join(' | ')}`);
}

/**
 * Types a date into the focused <input type="date"> with the keys alone. Chromium orders the
 * fields by its own locale (not the page's): month first is tried, and if the field then holds
 * another date, ← ← goes back to the first field and the day is typed first.
 */
export async function typeDate(page, iso) {
  const [year, month, day] = iso.split('-');
  await page.keyboard.type(`${month}${day}${year}`);
  if ((await page.evaluate(() => document.activeElement.value)) === iso) return;
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type(`${day}${month}${year}`);
  const typed = await page.evaluate(() => document.activeElement.value);
  if (typed !== iso) throw new Error(`the date typed is ${typed}, not ${iso}`);
}
