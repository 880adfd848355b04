// "Scegli la password" (/sportello/password.html#<code>): the one-time link that `prenota staff add`
// prints. The code is in the fragment, so it never reaches a server log or a Referer; it is sent
// once, with the new password, to POST /api/staff/password, then dropped from the address.
import { initChrome } from '../chrome.js';
import { t as siteText } from '../i18n.js';
import { staffApi } from './api.js';
import { t, translate } from './texts.js';
import { fieldError as markField, showText } from './ui.js';

const $ = (id) => document.getElementById(id);
const MIN_LENGTH = 12;
const code = decodeURIComponent(location.hash.replace(/^#/, '')).trim();

function setTitle() {
  document.title = `${t('password_title')} – ${siteText('title_suffix')}`;
  const crumb = document.querySelector('[data-page-title]');
  if (crumb) crumb.textContent = t('password_title');
}

function fieldError(input, message) {
  markField(input, $(`${input.id}-error`), message);
}

function showProblem(message) {
  showText($('pw-error'), message);
  if (message) $('pw-error').focus();
}

async function onSubmit(event) {
  event.preventDefault();
  const password = $('pw-new');
  const again = $('pw-again');
  const tooShort = [...password.value].length < MIN_LENGTH;
  const mismatch = !tooShort && password.value !== again.value;
  fieldError(password, tooShort ? t('pw_short') : '');
  fieldError(again, mismatch ? t('pw_mismatch') : '');
  if (tooShort || mismatch) {
    showProblem(`${t('errors_title')} ${tooShort ? t('pw_short') : t('pw_mismatch')}`);
    return;
  }
  const button = event.target.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await staffApi.setPassword(code, password.value);
  } catch (error) {
    // 404 unknown_code (used, expired or unknown), 422 weak_password: the API's it/en detail.
    if (error.code === 'weak_password') fieldError(password, error.message);
    showProblem(error.message);
    button.disabled = false;
    return;
  }
  history.replaceState(null, '', location.pathname);
  $('pw-form').hidden = true;
  showProblem('');
  $('pw-done').hidden = false;
  $('pw-done').focus();
}

function start() {
  initChrome();
  translate();
  setTitle();
  document.addEventListener('prenota:lang', () => { translate(); setTitle(); });
  if (!code) {
    $('pw-form').hidden = true;
    showProblem(t('pw_no_code'));
    return;
  }
  $('pw-form').addEventListener('submit', onSubmit);
}

start();
