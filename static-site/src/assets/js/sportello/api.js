// The staff API on the same origin (docs/counter.md; the closures: docs/closures.md). On one
// machine the session is a cookie the browser sends by itself; on AWS every call carries the
// Cognito ID token as a bearer token (auth.js keeps it in sessionStorage). Errors are RFC 9457
// problems whose `detail` is already in the page's language (?lang= and Accept-Language on every
// request). A 401 on any route but signing in tells the page through the
// "staff:unauthenticated" event that the session is gone.
import { currentLang, t } from './texts.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || t('error_generic'));
    this.status = status;
    this.code = problem.code || 'error';
    this.field = problem.field || null;
    this.issues = Array.isArray(problem.issues) ? problem.issues : [];
  }
}

let bearer = null;

/** The ID token to send as `Authorization: Bearer …` (AWS), or null (one machine: the cookie). */
export function useBearer(token) {
  bearer = token || null;
}

/** Whether the calls carry a bearer token (AWS): a plain link to the API would go without it. */
export function usesBearer() {
  return bearer !== null;
}

const enc = encodeURIComponent;

/** "?from=…&to=…" of the values given (none: ""). */
function query(values) {
  const params = new URLSearchParams(Object.entries(values).filter(([, value]) => value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The path of an office's statistics as CSV for a period (what the page's "Scarica CSV" links). */
export function statisticsCsvPath(office, from, to) {
  return `/api/staff/offices/${enc(office)}/statistics.csv${query({ from, to })}`;
}

/**
 * A file of the staff API (`path`) as a Blob, with the session's credentials: the bearer token on
 * AWS, where a link cannot send it. Errors as request()'s.
 */
export async function fetchFile(path) {
  const headers = { 'accept-language': currentLang() };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(new URL(path, location.origin), { headers, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { code: 'network', detail: t('error_network') });
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    if (response.status === 401) document.dispatchEvent(new CustomEvent('staff:unauthenticated'));
    throw new ApiError(response.status, problem);
  }
  return response.blob();
}

async function request(method, path, body, { quiet401 = false } = {}) {
  const url = new URL(path, location.origin);
  url.searchParams.set('lang', currentLang());
  const headers = { accept: 'application/json, application/problem+json', 'accept-language': currentLang() };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { code: 'network', detail: t('error_network') });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !quiet401) document.dispatchEvent(new CustomEvent('staff:unauthenticated'));
    throw error;
  }
  return data;
}

export const staffApi = {
  config: () => request('GET', '/api/staff/config'),
  signIn: (email, password) => request('POST', '/api/staff/session', { email, password }, { quiet401: true }),
  signOut: () => request('DELETE', '/api/staff/session', undefined, { quiet401: true }),
  setPassword: (code, password) => request('POST', '/api/staff/password', { code, password }),
  me: () => request('GET', '/api/staff/me', undefined, { quiet401: true }),
  agenda: (office, date) => request('GET', `/api/staff/offices/${enc(office)}/agenda${date ? `?date=${enc(date)}` : ''}`),
  checkIn: (body) => request('POST', '/api/staff/check-ins', body),
  callNext: (office, desk) => request('POST', `/api/staff/offices/${enc(office)}/calls`, { desk }),
  recall: (code, desk) => request('POST', `/api/staff/bookings/${enc(code)}/recall`, { desk }),
  putBack: (code) => request('POST', `/api/staff/bookings/${enc(code)}/put-back`),
  outcome: (code, outcome) => request('POST', `/api/staff/bookings/${enc(code)}/outcome`, { outcome }),
  walkIn: (office, body) => request('POST', `/api/staff/offices/${enc(office)}/walk-ins`, body),
  closures: () => request('GET', '/api/staff/closures'),
  previewClosure: (form) => request('POST', '/api/staff/closures/preview', form),
  saveClosure: (form) => request('POST', '/api/staff/closures', form),
  reopenClosure: (id) => request('POST', `/api/staff/closures/${enc(id)}/reopen`),
  catalogue: () => request('GET', '/api/staff/catalogue'),
  previewCatalogueChange: (body) => request('POST', '/api/staff/catalogue/preview', body),
  saveCatalogueChange: (body) => request('POST', '/api/staff/catalogue/changes', body),
  catalogueChanges: () => request('GET', '/api/staff/catalogue/changes'),
  undoCatalogueChange: (id, body) => request('POST', `/api/staff/catalogue/changes/${enc(id)}/undo`, body),
  statistics: (office, from, to) => request('GET', `/api/staff/offices/${enc(office)}/statistics${query({ from, to })}`),
  checkinKey: () => request('GET', '/api/checkin-key'),
  services: () => request('GET', '/api/services'),
  servicesAt: (serviceId) => request('GET', `/api/services/${enc(serviceId)}/offices`),
};
