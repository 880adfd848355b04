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
