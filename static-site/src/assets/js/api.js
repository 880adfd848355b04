// The JSON API on the same origin. Errors are RFC 9457 problems: we keep `code`, `detail` (already
// in the citizen's language) and `field`, so the UI can show the message beside the right input.
import { currentLang, t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || t('error_generic'));
    this.status = status;
    this.code = problem.code || 'error';
    this.field = problem.field || null;
  }
}

// Difference between the server's clock and ours, from each response's Date header: the countdown
// runs on the server's expires_at, so a phone whose clock is off must not show the wrong time.
const SKEW_KEY = 'prenota.clockSkewMs';
let clockSkewMs = Number(sessionStorage.getItem(SKEW_KEY)) || 0;

export function serverNow() {
  return Date.now() + clockSkewMs;
}

function learnClock(response) {
  const header = response.headers.get('date');
  const serverTime = header ? Date.parse(header) : NaN;
  // Date has one-second resolution: ignore differences smaller than that.
  if (!Number.isNaN(serverTime) && Math.abs(serverTime - Date.now()) > 1500) {
    clockSkewMs = serverTime - Date.now();
  } else if (!Number.isNaN(serverTime)) {
    clockSkewMs = 0;
  }
  // Kept for a reload on the details step, which makes no request before the countdown shows.
  sessionStorage.setItem(SKEW_KEY, String(clockSkewMs));
}

async function request(method, path, body) {
  const url = new URL(path, location.origin);
  if (method === 'GET' || method === 'DELETE') url.searchParams.set('lang', currentLang());
  const init = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify({ ...body, lang: currentLang() });
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { code: 'network', detail: t('error_network') });
  }
  learnClock(response);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const api = {
  services: (q) => request('GET', `/api/services${q ? `?q=${encodeURIComponent(q)}` : ''}`),
  offices: (serviceId, position) => {
    const query = position ? `?lat=${position.lat.toFixed(5)}&lon=${position.lon.toFixed(5)}` : '';
    return request('GET', `/api/services/${encodeURIComponent(serviceId)}/offices${query}`);
  },
  // `people`: only the times where that many can be held (one when absent).
  slots: (serviceId, officeId, date, people = 1) => {
    const query = new URLSearchParams();
    if (date) query.set('date', date);
    if (people > 1) query.set('people', String(people));
    const search = query.toString() ? `?${query}` : '';
    return request('GET', `/api/services/${encodeURIComponent(serviceId)}/offices/${encodeURIComponent(officeId)}/slots${search}`);
  },
  hold: (slot) => request('POST', '/api/holds', slot),
  challenge: () => request('GET', '/api/challenge'),
  release: (holdId) => request('DELETE', `/api/holds/${encodeURIComponent(holdId)}`),
  // A hold still held: its service, office, seats and expires_at (the seat of a waiting-list offer).
  heldSeats: (holdId) => request('GET', `/api/holds/${encodeURIComponent(holdId)}`),
  book: (holdId, details) => request('POST', `/api/holds/${encodeURIComponent(holdId)}/booking`, details),
  joinWaitingList: (place) => request('POST', '/api/waiting-list', place),
  myBookings: (contact) => request('POST', '/api/my-bookings', { contact, accept_terms: true }),
  feedback: (rating, reason) => request('POST', '/api/feedback', reason ? { rating, reason } : { rating }),
};
