// What a test file needs around its tests: one server (the options go to startServer) and one
// browser, started together before the file's first test and stopped after its last.
import { after, before } from 'node:test';
import { launch, newContext } from './browser.mjs';
import { startServer } from './server.mjs';

export function serverAndBrowser(serverOptions) {
  const site = {
    server: null,
    browser: null,
    /** The server's base URL, e.g. http://127.0.0.1:41234. */
    get url() { return site.server.url; },
    /** A fresh browser context that talks to this server only (see browser.mjs newContext). */
    newContext(options) { return newContext(site.browser, site.server.url, options); },
  };
  before(async () => {
    [site.server, site.browser] = await Promise.all([startServer(serverOptions), launch()]);
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.stop();
  });
  return site;
}
