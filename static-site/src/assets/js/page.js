// Entry point of the information pages (privacy, terms, accessibility, FAQ, report a problem):
// the language switch shows the article in the chosen language and names the page after it.
import { initChrome } from './chrome.js';
import { t } from './i18n.js';

function nameThePage() {
  const article = document.querySelector('article[data-lang-block]:not([hidden])');
  const title = article?.querySelector('h1')?.textContent ?? '';
  document.querySelector('[data-page-title]').textContent = title;
  document.title = `${title} – ${t('title_suffix')}`;
}

initChrome();
nameThePage();
document.addEventListener('prenota:lang', nameThePage);
