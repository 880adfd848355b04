// The booking's QR code, checked in the page before the API is asked (docs/design.md, "check-in
// token"): `PRN1.<payload>.<signature>`, both unpadded base64url; the payload is the ASCII
// `SHORTCODE|office|YYYY-MM-DD|HH:MM` and the Ed25519 signature covers the ASCII `PRN1.<payload>`.
// The public key is GET /api/checkin-key, kept in localStorage so that a counter whose network
// fails can still tell a genuine code from a forged one. Verification uses WebCrypto's Ed25519.
import { staffApi } from './api.js';

const KEY_STORAGE = 'prenota.checkinKey';
const MAX_TOKEN_LENGTH = 256;

/** Bytes of base64 or base64url text, padded or not; null when it is not base64. */
export function decodeBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  const standard = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) return null;
  try {
    const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Is this what a scanner or a clerk typed a check-in token (rather than a short code)? */
export function looksLikeToken(text) {
  return /^PRN1\./i.test(text.trim());
}

/**
 * The parts of a token, or null when it is not one: { signed, signature, claims } where claims is
 * { shortCode, office, date, start } read from the payload (not yet trusted).
 */
export function parseToken(text) {
  const token = text.trim();
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'PRN1' || !parts[1] || !parts[2]) return null;
  if (/[+/=]/.test(parts[1] + parts[2])) return null; // unpadded base64url only
  const payloadBytes = decodeBase64(parts[1]);
  const signature = decodeBase64(parts[2]);
  if (!payloadBytes || !signature || signature.length !== 64) return null;
  const payload = String.fromCharCode(...payloadBytes);
  const fields = payload.split('|');
  if (fields.length !== 4) return null;
  const [shortCode, office, date, start] = fields;
  if (!/^[A-Z0-9]{8}$/.test(shortCode) || !/^[a-z0-9-]{1,40}$/.test(office)
    || !/^\d{4}-\d\d-\d\d$/.test(date) || !/^\d\d:\d\d$/.test(start)) return null;
  return {
    token,
    signed: new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    signature,
    claims: { shortCode, office, date, start },
  };
}

function keptKey() {
  try { return localStorage.getItem(KEY_STORAGE); } catch { return null; }
}

let keyPromise = null;

/** The raw 32-byte public key: asked once per page, the kept copy when the network fails. */
async function publicKeyBytes() {
  if (!keyPromise) {
    keyPromise = staffApi.checkinKey().then((answer) => {
      const bytes = decodeBase64(answer.public_key);
      if (!bytes || bytes.length !== 32) throw new Error('bad key');
      try { localStorage.setItem(KEY_STORAGE, answer.public_key); } catch { /* storage blocked */ }
      return bytes;
    }).catch((error) => {
      keyPromise = null; // asked again next time
      const kept = decodeBase64(keptKey() || '');
      if (kept && kept.length === 32) return kept;
      throw error;
    });
  }
  return keyPromise;
}

/** Asks for the key early (at sign-in), so that the first scan does not wait for it. */
export function preloadKey() {
  publicKeyBytes().catch(() => {});
}

/**
 * Verifies a token in the page. Answers { status, claims }: status is "valid", "invalid" (the
 * signature fails), "malformed" (not a Prenota code; claims null) or "unverifiable" (no key, or a
 * browser without Ed25519 in WebCrypto: the API decides alone).
 */
export async function verifyToken(text) {
  const parsed = parseToken(text);
  if (!parsed) return { status: 'malformed', claims: null };
  let key;
  try {
    key = await crypto.subtle.importKey('raw', await publicKeyBytes(), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return { status: 'unverifiable', claims: parsed.claims };
  }
  try {
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, parsed.signature, parsed.signed);
    return { status: ok ? 'valid' : 'invalid', claims: parsed.claims };
  } catch {
    return { status: 'invalid', claims: parsed.claims };
  }
}
