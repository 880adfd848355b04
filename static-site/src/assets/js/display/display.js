// The waiting-room display (/display/{office_id}: the server answers this one page for every
// /display/* address). Big type: the call being made (ticket → desk), the calls before it, how
// many are waiting. Only tickets and desks ever: no name, no booking code (docs/counter.md).
// Updates come from the server-sent events of /api/offices/{id}/display/events (one machine);
// where they fail or do not exist (AWS has no events route) the page asks
// GET /api/offices/{id}/display every second. Each new call rings a short chime (WebAudio, once
// the browser allows sound: a kiosk may need one touch or key first) and is said by the polite
// live region. Italian or English by the browser's language (?lang= wins), Italian by default.

const TEXTS = {
  it: {
    page: 'Sala d\'attesa',
    title: 'Chiamate allo sportello',
    now: 'Chiamata in corso',
    recent: 'Ultime chiamate',
    ticket: 'Biglietto',
    desk: 'Sportello',
    waiting: 'In attesa',
    none: 'Nessuna chiamata',
    sound: 'Attiva l\'avviso sonoro',
    call: (ticket, desk) => `Biglietto ${ticket}, sportello ${desk}.`,
    offline: 'Collegamento interrotto, nuovo tentativo in corso…',
    no_office: 'Indirizzo incompleto: aggiungi la sede, ad esempio /display/ufficio-1.',
  },
  en: {
    page: 'Waiting room',
    title: 'Calls to the counters',
    now: 'Now calling',
    recent: 'Recent calls',
    ticket: 'Ticket',
    desk: 'Desk',
    waiting: 'Waiting',
    none: 'No calls yet',
    sound: 'Turn on the sound',
    call: (ticket, desk) => `Ticket ${ticket}, desk ${desk}.`,
    offline: 'Connection lost, trying again…',
    no_office: 'Incomplete address: add the office, for example /display/ufficio-1.',
  },
};

const POLL_MS = 1000;
const RECENT_ROWS = 6;

function chooseLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'it' || asked === 'en') return asked;
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language || '']) {
    const base = String(tag).toLowerCase().slice(0, 2);
    if (base === 'it' || base === 'en') return base;
  }
  return 'it';
}

const lang = chooseLang();
const t = (key, ...args) => {
  const value = TEXTS[lang][key];
  return typeof value === 'function' ? value(...args) : value;
};
const $ = (id) => document.getElementById(id);
const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

const officeId = decodeURIComponent((location.pathname.match(/^\/display\/([^/?#]+)/) || [])[1] || '');
let officeName = '';
const seen = new Set();
let first = true;
let lastShown = '';

// ---------------------------------------------------------------------------------------------
// What is shown
// ---------------------------------------------------------------------------------------------

function translatePage() {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll('[data-k]')) element.textContent = t(element.dataset.k);
  setTitle();
}

function setTitle() {
  document.title = officeName ? `${t('page')} – ${officeName}` : `${t('page')} – Prenota – Comune di Bergamo`;
  $('office-name').textContent = officeName ? `– ${officeName}` : '';
}

function tickClock() {
  $('clock').textContent = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'it-IT', {
    hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome',
  }).format(new Date());
}

function status(text) {
  $('status').textContent = text || '';
  $('status').hidden = !text;
}

const key = (call) => `${call.ticket}|${call.desk}|${call.at}`;

/** Shows the state: the newest call big, the ones before it in the table, the number waiting. */
function apply(state) {
  status('');
  const calls = Array.isArray(state?.called) ? state.called : [];
  const shown = JSON.stringify([calls.map(key), state?.waiting]);
  if (shown !== lastShown) {
    lastShown = shown;
    const [newest, ...before] = calls;
    $('now').innerHTML = newest
      ? `<p class="kiosk-call"><span class="kiosk-ticket">${esc(newest.ticket)}</span><span class="kiosk-arrow" aria-hidden="true">→</span><span class="kiosk-desk"><span class="kiosk-desk-label">${esc(t('desk'))}</span> ${esc(newest.desk)}</span></p>`
      : `<p class="kiosk-empty">${esc(t('none'))}</p>`;
    $('recent').innerHTML = before.slice(0, RECENT_ROWS - 1)
      .map((c) => `<tr><td>${esc(c.ticket)}</td><td>${esc(c.desk)}</td></tr>`).join('');
    $('recent-section').hidden = before.length === 0;
    $('waiting').textContent = Number.isFinite(state?.waiting) ? String(state.waiting) : '–';
  }
  // New calls (a recall is a new call: its time is new), said oldest first; none at the first answer.
  const fresh = calls.filter((c) => !seen.has(key(c))).reverse();
  for (const c of fresh) seen.add(key(c));
  if (seen.size > 200) for (const k of [...seen].slice(0, seen.size - 100)) seen.delete(k);
  if (!first && fresh.length) {
    announce(fresh.map((c) => t('call', c.ticket, c.desk)).join(' '));
    chime();
  }
  first = false;
}

function announce(message) {
  const announcer = $('announcer');
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}

// ---------------------------------------------------------------------------------------------
// The chime: two short tones; browsers allow sound only after a first touch or key on the page
// (a kiosk can be started with autoplay allowed), so the button asks for it when needed.
// ---------------------------------------------------------------------------------------------

let audio = null;

function audioContext() {
  if (!audio) {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    try { audio = new Context(); } catch { return null; }
  }
  return audio;
}

function unlockSound() {
  const context = audioContext();
  if (!context) return;
  context.resume().catch(() => {}).finally(() => { $('sound').hidden = context.state === 'running'; });
}

function chime() {
  const context = audioContext();
  if (!context || context.state !== 'running') return;
  const start = context.currentTime + 0.02;
  [[880, 0], [660, 0.28]].forEach(([frequency, offset]) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.45);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.5);
  });
}

function prepareSound() {
  const context = audioContext();
  if (!context) return;
  if (context.state !== 'running') {
    $('sound').hidden = false;
    context.resume().then(() => { $('sound').hidden = context.state === 'running'; }).catch(() => {});
  }
  for (const type of ['pointerdown', 'keydown', 'touchstart']) {
    document.addEventListener(type, unlockSound, { passive: true });
  }
  $('sound').addEventListener('click', unlockSound);
}

// ---------------------------------------------------------------------------------------------
// Updates: server-sent events, else polling every second
// ---------------------------------------------------------------------------------------------

const base = `/api/offices/${encodeURIComponent(officeId)}/display`;
let polling = false;
let streamWorked = false;
let failures = 0;

function listen() {
  if (!('EventSource' in window)) {
    poll();
    return;
  }
  const source = new EventSource(`${base}/events`);
  const onEvent = (event) => {
    streamWorked = true;
    failures = 0;
    try { apply(JSON.parse(event.data)); } catch { /* a broken event: the next one repairs it */ }
  };
  source.addEventListener('display', onEvent);
  source.onmessage = onEvent; // an event without a name carries the same JSON
  source.onerror = () => {
    // No events route (AWS), a proxy that cuts streams, a server restart: ask every second instead.
    source.close();
    poll();
  };
}

async function poll() {
  if (polling) return;
  polling = true;
  let rounds = 0;
  while (polling) {
    const started = Date.now();
    try {
      const response = await fetch(base, { cache: 'no-store', headers: { accept: 'application/json' }, signal: AbortSignal.timeout?.(3000) });
      const data = await response.json().catch(() => ({}));
      if (response.ok) {
        failures = 0;
        apply(data);
      } else {
        status(data.detail || t('offline'));
      }
    } catch {
      failures += 1;
      if (failures >= 3) status(t('offline'));
    }
    rounds += 1;
    // Where the stream worked before, it is tried again after a minute of polling.
    if (streamWorked && rounds >= 60) {
      polling = false;
      listen();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_MS - (Date.now() - started))));
  }
}

/** The office's name from the public catalogue answers (optional: the page works without it). */
async function findOfficeName() {
  try {
    const { services } = await (await fetch(`/api/services?lang=${lang}`)).json();
    for (const service of services || []) {
      const answer = await (await fetch(`/api/services/${encodeURIComponent(service.id)}/offices?lang=${lang}`)).json();
      const office = (answer.offices || []).find((o) => o.id === officeId);
      if (office) {
        officeName = office.name;
        setTitle();
        return;
      }
    }
  } catch {
    // The display works without the name.
  }
}

translatePage();
tickClock();
setInterval(tickClock, 10_000);
if (!officeId) {
  status(t('no_office'));
} else {
  prepareSound();
  listen();
  findOfficeName();
}
