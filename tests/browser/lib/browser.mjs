// Debian's Chromium driven by playwright-core. Every request that is not to our server is
// aborted (the machine has no internet, and the UI must cope: the map says its tiles failed).
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from './server.mjs';

export const ARTEFACTS = join(REPO, 'tests/.artefacts');
export const SCREENSHOTS = join(ARTEFACTS, 'screenshots');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context (fresh storage) that only talks to `baseURL`. Console errors and uncaught page
 * errors are collected in `context.problems`, except failed loads of the blocked outside requests.
 */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({ baseURL, locale: 'it-IT', timezoneId: 'Europe/Rome', ...options });
  const origin = new URL(baseURL).origin;
  context.blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    context.blocked.push(url);
    return route.abort('blockedbyclient');
  });
  context.problems = [];
  context.on('page', (page) => watchPage(context, page));
  return context;
}

function watchPage(context, page) {
  page.on('pageerror', (error) => context.problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // The blocked map tiles and other outside requests are expected to fail.
    if (/ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED/.test(text)) return;
    context.problems.push(`console: ${text}`);
  });
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
