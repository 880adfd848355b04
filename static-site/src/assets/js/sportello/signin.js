// What every staff page (/sportello/, /gestione/) does around its work: the views "loading", "a
// problem" (with "Riprova"), "Accedi" and the page's own signed-in view; signing in the way
// GET /api/staff/config says (auth.js: e-mail and password on one machine, Cognito on AWS), who is
// signed in (GET /api/staff/me), signing out, and a session that ends while the page is open.
// The page's markup for these is src/partials/staff-signin.html (page-loading, page-error,
// view-signin and what they hold), besides its own button #signout and the polite live region
// #announcer.
import { staffApi } from './api.js';
import { forgetToken, prepareSignIn, signOut, startCognitoSignIn } from './auth.js';
import { t } from './texts.js';
import { announce, showText } from './ui.js';

const $ = (id) => document.getElementById(id);

/**
 * Runs the sign-in of a staff page whose signed-in view is the element `view` (an id).
 * `onSignedIn(me, { focus })` shows that view's content for GET /api/staff/me's answer (focus: the
 * person just signed in, so the page moves the focus); `onSignedOut()` stops the page's work
 * (timers, the camera) before the sign-in view is shown. Answers { me, config, start }: call
 * start() once the page's own events are bound.
 */
export function staffSignIn({ view, onSignedIn, onSignedOut = () => {} }) {
  const session = { me: null, config: null };

  function showOnly(which) {
    $('page-loading').hidden = which !== 'loading';
    $('page-error').hidden = which !== 'error';
    $('view-signin').hidden = which !== 'signin';
    $(view).hidden = which !== 'signed-in';
  }

  function showPageError(error) {
    $('page-error-text').textContent = error?.message || t('error_generic');
    showOnly('error');
    $('page-error').focus();
  }

  function showSignedIn(focus) {
    showOnly('signed-in');
    onSignedIn(session.me, { focus });
  }

  function showSignIn({ notice = '', error = '', focus = false }) {
    onSignedOut();
    session.me = null;
    showOnly('signin');
    const cognito = session.config?.sign_in === 'cognito';
    $('signin-form').hidden = cognito;
    $('signin-cognito').hidden = !cognito;
    showText($('signin-notice'), notice);
    showText($('signin-error'), error);
    if (error) $('signin-error').focus();
    else if (focus) $('signin-title').focus();
  }

  async function start() {
    showOnly('loading');
    try {
      const { config, failed } = await prepareSignIn();
      session.config = config;
      if (failed) {
        showSignIn({ error: t('cognito_failed') });
        return;
      }
    } catch (error) {
      showPageError(error);
      return;
    }
    try {
      session.me = await staffApi.me();
    } catch (error) {
      if (error.status === 401) showSignIn({});
      else showPageError(error);
      return;
    }
    showSignedIn(false);
  }

  async function onSubmit(event) {
    event.preventDefault();
    const email = $('signin-email');
    const password = $('signin-password');
    const problems = [];
    if (!email.value.trim()) problems.push(t('err_email'));
    if (!password.value) problems.push(t('err_password'));
    showText($('signin-notice'), '');
    if (problems.length) {
      showText($('signin-error'), problems.join(' '));
      $('signin-error').focus();
      return;
    }
    announce(t('signing_in'));
    const button = event.target.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await staffApi.signIn(email.value.trim(), password.value);
      session.me = await staffApi.me();
    } catch (error) {
      // 401 bad_credentials, 429 too_many_attempts: the API's it/en detail says what to do.
      showText($('signin-error'), error.message);
      $('signin-error').focus();
      return;
    } finally {
      button.disabled = false;
    }
    password.value = '';
    showText($('signin-error'), '');
    showSignedIn(true);
  }

  async function onSignOut() {
    onSignedOut();
    if (await signOut(session.config)) return; // Cognito's logout page takes over
    $('signin-password').value = '';
    showSignIn({ notice: t('signed_out'), focus: true });
    announce(t('signed_out'));
  }

  $('page-retry').addEventListener('click', start);
  $('signin-form').addEventListener('submit', onSubmit);
  $('signin-cognito').addEventListener('click', () => startCognitoSignIn(session.config));
  $('signout').addEventListener('click', onSignOut);
  document.addEventListener('staff:unauthenticated', () => {
    if (!session.me) return;
    forgetToken();
    showSignIn({ notice: t('session_gone'), focus: true });
  });

  return {
    get me() { return session.me; },
    get config() { return session.config; },
    start,
  };
}
