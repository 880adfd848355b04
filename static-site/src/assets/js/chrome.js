// What every page shares: the it/en switch in the header (remembered in localStorage) and the
// translation of the static markup. Pages that render more listen for the "prenota:lang" event.
import { LANGS, currentLang, rememberLang, translateStatic } from './i18n.js';

export function applyLanguage() {
  const lang = currentLang();
  document.documentElement.lang = lang;
  translateStatic();
  for (const link of document.querySelectorAll('[data-set-lang]')) {
    if (link.dataset.setLang === lang) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
}

function switchLanguage(event) {
  const link = event.target.closest('[data-set-lang]');
  if (!link) return;
  event.preventDefault();
  rememberLang(link.dataset.setLang);
  applyLanguage();
  document.dispatchEvent(new CustomEvent('prenota:lang'));
}

/** A ?lang= in the address (links from messages) is remembered, then dropped from the address. */
function adoptLanguageFromUrl() {
  const url = new URL(location.href);
  const lang = url.searchParams.get('lang');
  if (!LANGS.includes(lang)) return;
  rememberLang(lang);
  url.searchParams.delete('lang');
  history.replaceState(history.state, '', url);
}

export function initChrome() {
  adoptLanguageFromUrl();
  applyLanguage();
  document.addEventListener('click', switchLanguage);
}
