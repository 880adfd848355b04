// Signing in to the counter, in the two ways GET /api/staff/config announces (docs/counter.md):
//  - "password" (one machine): POST /api/staff/session with e-mail and password; the session is
//    an HttpOnly cookie, so nothing is kept here;
//  - "cognito" (AWS): Cognito's hosted login with the authorization code and PKCE (RFC 7636): the
//    page sends the person there with a fresh verifier's S256 challenge and a random state, and
//    back on /sportello/?code=…&state=… trades the code for tokens at token_url. The ID token is
//    kept in sessionStorage (gone with the tab) and sent as a bearer token by api.js.
import { staffApi, useBearer } from './api.js';

const TOKEN_KEY = 'prenota.staff.idToken';
const PKCE_KEY = 'prenota.staff.pkce';

function storage(action) {
  try { return action(sessionStorage); } catch { return null; }
}

function base64url(bytes) {
  let text = '';
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(byteCount) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** The address Cognito sends the person back to: this page, without query or fragment. */
function redirectUri() {
  return `${location.origin}${location.pathname}`;
}

/** The `exp` claim of a JWT (seconds), without checking it: the API checks the token. */
function expiry(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp || 0;
  } catch {
    return 0;
  }
}

/** The kept ID token while it has not expired (a minute of margin), else null. */
function keptToken() {
  const token = storage((s) => s.getItem(TOKEN_KEY));
  if (!token) return null;
  if (expiry(token) * 1000 < Date.now() + 60_000) {
    storage((s) => s.removeItem(TOKEN_KEY));
    return null;
  }
  return token;
}

/** Sends the browser to Cognito's hosted login. */
export async function startCognitoSignIn(config) {
  const verifier = randomText(48);
  const state = randomText(16);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  storage((s) => s.setItem(PKCE_KEY, JSON.stringify({ verifier, state })));
  const url = new URL(config.authorize_url);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.client_id);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('scope', 'openid email');
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('state', state);
  location.assign(url.toString());
}

/**
 * Back from Cognito (?code=&state= in the address): trades the code for the tokens and keeps the
 * ID token. Answers true when signed in, false when there was nothing to finish; throws when the
 * answer is wrong (state mismatch, refused code).
 */
async function finishCognitoSignIn(config) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  const pending = JSON.parse(storage((s) => s.getItem(PKCE_KEY)) || 'null');
  storage((s) => s.removeItem(PKCE_KEY));
  // The code is used once: drop it from the address (and the history) whatever happens.
  const clean = new URL(location.href);
  for (const name of ['code', 'state', 'error', 'error_description']) clean.searchParams.delete(name);
  history.replaceState(null, '', clean);
  if (params.has('error') || !pending || params.get('state') !== pending.state) throw new Error('cognito');
  const response = await fetch(config.token_url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.client_id,
      code: params.get('code'),
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error('cognito');
  const tokens = await response.json();
  if (!tokens.id_token) throw new Error('cognito');
  storage((s) => s.setItem(TOKEN_KEY, tokens.id_token));
  useBearer(tokens.id_token);
  return true;
}

/**
 * At page load: the sign-in configuration, and the bearer token when Cognito is used (kept, or
 * just received). Answers { config, failed }: failed is true when coming back from Cognito did not
 * give a token. The caller then asks GET /api/staff/me to know whether someone is signed in.
 */
export async function prepareSignIn() {
  const config = await staffApi.config();
  let failed = false;
  if (config.sign_in === 'cognito') {
    const token = keptToken();
    if (token) useBearer(token);
    else failed = await finishCognitoSignIn(config).then(() => false, () => true);
  }
  return { config, failed };
}

/** Forgets the session: the cookie on one machine, the kept token and Cognito's session on AWS. */
export async function signOut(config) {
  if (config?.sign_in === 'cognito') {
    storage((s) => s.removeItem(TOKEN_KEY));
    useBearer(null);
    if (config.logout_url) {
      const url = new URL(config.logout_url);
      if (!url.searchParams.has('client_id')) url.searchParams.set('client_id', config.client_id);
      if (!url.searchParams.has('logout_uri')) url.searchParams.set('logout_uri', redirectUri());
      location.assign(url.toString());
      return true; // leaving the page
    }
    return false;
  }
  await staffApi.signOut().catch(() => null);
  return false;
}

/** A 401 from the API: the kept token (if any) is no good any more. */
export function forgetToken() {
  storage((s) => s.removeItem(TOKEN_KEY));
  useBearer(null);
}
