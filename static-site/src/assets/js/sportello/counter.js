// The counter page (/sportello/): signing in, office and desk, check-in by QR code (camera or USB
// reader) or short code, calls to the desk and their outcomes, visitors without a booking, and
// the day's agenda, refreshed every 10 s. The HTTP contract is docs/counter.md. Results are said
// by the polite live region #announcer as well as shown.
import { initChrome } from '../chrome.js';
import { esc } from '../html.js';
import { t as siteText } from '../i18n.js';
import { staffApi } from './api.js';
import { looksLikeToken, preloadKey, verifyToken } from './checkin-token.js';
import { cameraAvailable, startScanner } from './scanner.js';
import { serviceNames } from './services.js';
import { staffSignIn } from './signin.js';
import { currentLang, formatClock, formatDay, spacedCode, t, todayInRome, translate } from './texts.js';
import { announce, fieldError, showText } from './ui.js';

const REFRESH_MS = 10_000;
const PLACE_KEY = 'prenota.counter.place';
const STATES = ['confirmed', 'checked_in', 'called', 'served', 'no_show', 'cancelled', 'displaced'];
const DESK_PATTERN = /^[\p{L}\p{N} -]{1,12}$/u;

const $ = (id) => document.getElementById(id);

const S = {
  me: null,
  office: null,
  desk: '',
  agenda: null,
  agendaMarkup: '',
  current: null,
  currentKey: '',
  serviceNames: new Map(),
  officeServices: new Map(), // office id → [service id]
  scanner: null,
  timer: null,
  checkinSerial: 0,
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function setTitle() {
  document.title = `${t('page_title')} – ${siteText('title_suffix')}`;
  const crumb = document.querySelector('[data-page-title]');
  if (crumb) crumb.textContent = t('page_title');
}

function storageGet(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

function storageSet(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* storage blocked: not remembered */ }
}

function officeName(id) {
  return S.me?.offices.find((o) => o.id === id)?.name ?? id;
}

function serviceName(id) {
  return S.serviceNames.get(id) ?? id;
}

function personOf(entry) {
  const name = [entry.name, entry.surname].filter(Boolean).join(' ');
  return name;
}

function stopWork() {
  clearInterval(S.timer);
  S.timer = null;
  stopScanner();
}

// ---------------------------------------------------------------------------------------------
// Signed in: office, desk
// ---------------------------------------------------------------------------------------------

function renderWho() {
  if (!S.me) return;
  const role = t('roles')[S.me.role] ?? S.me.role;
  $('who').textContent = t('signed_in_as', S.me.email, role);
  // Managers and administrators also close offices (/gestione/) and read their statistics.
  $('closures-link').hidden = !['manager', 'admin'].includes(S.me.role);
  $('statistics-link').hidden = $('closures-link').hidden;
}

function showCounter(me, { focus }) {
  S.me = me;
  renderWho();
  const offices = S.me.offices || [];
  const place = storageGet(PLACE_KEY) || {};
  S.office = offices.some((o) => o.id === place.office) ? place.office : offices[0]?.id ?? null;
  S.desk = typeof place.desk === 'string' ? place.desk : '';
  $('office').innerHTML = offices.map((o) => `<option value="${esc(o.id)}">${esc(o.name)}</option>`).join('');
  if (S.office) $('office').value = S.office;
  $('desk').value = S.desk;
  $('no-office').hidden = offices.length > 0;
  for (const id of ['place-form', 'checkin-form', 'call-next', 'walkin-open']) {
    const element = $(id);
    if (element.tagName === 'FORM') element.querySelectorAll('input, select, button').forEach((c) => { c.disabled = !S.office; });
    else element.disabled = !S.office;
  }
  $('agenda-date').value = todayInRome();
  S.current = null;
  S.currentKey = '';
  S.agendaMarkup = '';
  renderCurrent(true);
  renderStateFilter();
  preloadKey();
  loadServiceNames().then(() => renderAgenda());
  refreshAgenda();
  clearInterval(S.timer);
  S.timer = setInterval(() => { if (!document.hidden) refreshAgenda({ quiet: true }); }, REFRESH_MS);
  if (focus) $('page-title').focus();
}

function rememberPlace() {
  storageSet(PLACE_KEY, { office: S.office, desk: S.desk });
}

function onOfficeChange() {
  S.office = $('office').value;
  rememberPlace();
  S.current = null;
  S.agendaMarkup = '';
  renderCurrent(true);
  closeWalkIn(false);
  $('walkin-result').hidden = true;
  refreshAgenda();
}

function onDeskInput() {
  S.desk = $('desk').value.trim();
  fieldError($('desk'), $('desk-error'), '');
  rememberPlace();
  deriveCurrent();
}

/** The desk, or null after saying it is missing or wrong. */
function requireDesk() {
  const desk = $('desk').value.trim();
  if (!DESK_PATTERN.test(desk)) {
    fieldError($('desk'), $('desk-error'), t('err_desk'));
    announce(t('err_desk'));
    $('desk').focus();
    return null;
  }
  fieldError($('desk'), $('desk-error'), '');
  return desk;
}

// ---------------------------------------------------------------------------------------------
// Service names (for the agenda) and the services of an office (for walk-ins)
// ---------------------------------------------------------------------------------------------

async function loadServiceNames() {
  S.serviceNames = await serviceNames(); // the agenda shows the service ids without them
}

async function servicesOfOffice(office) {
  if (S.officeServices.has(office)) return S.officeServices.get(office);
  await loadServiceNames();
  const ids = [...S.serviceNames.keys()];
  const answers = await Promise.all(ids.map((id) => staffApi.servicesAt(id).then(
    (answer) => (answer.offices || []).some((o) => o.id === office),
    () => false,
  )));
  const offered = ids.filter((_, i) => answers[i]);
  if (!ids.length) throw new Error(t('services_failed'));
  S.officeServices.set(office, offered);
  return offered;
}

// ---------------------------------------------------------------------------------------------
// The agenda
// ---------------------------------------------------------------------------------------------

function renderStateFilter() {
  const select = $('agenda-state');
  const chosen = select.value;
  select.innerHTML = `<option value="">${esc(t('agenda_all'))}</option>${
    STATES.map((s) => `<option value="${s}">${esc(t('states')[s])}</option>`).join('')}`;
  select.value = chosen;
}

async function refreshAgenda({ quiet = false } = {}) {
  if (!S.office) return;
  const office = S.office;
  const date = $('agenda-date').value || todayInRome();
  try {
    const data = await staffApi.agenda(office, date);
    if (office !== S.office || date !== ($('agenda-date').value || todayInRome())) return; // a newer choice
    S.agenda = { ...data, date: data.date || date, office_id: data.office_id || office };
    $('agenda-error').hidden = true;
    $('agenda-updated').textContent = t('agenda_updated', formatClock(new Date()));
    renderAgenda();
    deriveCurrent();
  } catch (error) {
    if (error.status === 401) return; // the sign-in view takes over
    showText($('agenda-error'), `${t('agenda_failed')} ${error.message}`);
    if (!quiet) announce(t('agenda_failed'));
  }
}

function normalisedCode(text) {
  return String(text ?? '').replace(/[\s-]/g, '').toUpperCase();
}

function rowMarkup(entry, isToday) {
  const person = personOf(entry);
  const code = spacedCode(entry.short_code);
  const actions = [];
  if (entry.state === 'confirmed' && isToday) {
    actions.push(`<button type="button" class="btn btn-outline-primary btn-xs" data-action="checkin-row" data-code="${esc(entry.short_code)}">${esc(t('checkin_row'))}<span class="visually-hidden"> ${esc(code)}</span></button>`);
    actions.push(`<button type="button" class="btn btn-outline-secondary btn-xs" data-action="noshow-row" data-code="${esc(entry.short_code)}">${esc(t('no_show_row'))}<span class="visually-hidden"> ${esc(code)}</span></button>`);
  }
  return `
    <tr data-state="${esc(entry.state)}" data-code="${esc(entry.short_code)}">
      <td class="nowrap">${esc(entry.start)}–${esc(entry.end)}</td>
      <th scope="row" class="nowrap code">${esc(code)}</th>
      <td>${person ? esc(person) : `<span class="text-muted-strong">${esc(t('hidden_person'))}</span>`}${entry.walk_in ? ` <span class="badge-walkin">${esc(t('walk_in_mark'))}</span>` : ''}${entry.details ? `<br><small>${esc(entry.details)}</small>` : ''}</td>
      <td>${esc(serviceName(entry.service_id))}</td>
      <td><span class="state state-${esc(entry.state)}">${esc(t('states')[entry.state] ?? entry.state)}</span></td>
      <td class="ticket-cell">${esc(entry.ticket ?? '')}</td>
      <td>${esc(entry.desk ?? '')}</td>
      <td class="actions">${actions.join(' ')}</td>
    </tr>`;
}

function renderAgenda() {
  if (!S.agenda) return;
  const state = $('agenda-state').value;
  const query = normalisedCode($('agenda-search').value);
  const all = S.agenda.bookings || [];
  const shown = all.filter((e) => (!state || e.state === state) && (!query || normalisedCode(e.short_code).includes(query)));
  const isToday = S.agenda.date === todayInRome();
  const markup = shown.length
    ? shown.map((e) => rowMarkup(e, isToday)).join('')
    : `<tr><td colspan="8">${esc(t('agenda_none'))}</td></tr>`;
  $('agenda-caption').textContent = t('agenda_caption', officeName(S.agenda.office_id ?? S.office), formatDay(S.agenda.date));
  const count = t('agenda_count', shown.length, all.length);
  if ($('agenda-count').textContent !== count) $('agenda-count').textContent = count;
  if (markup === S.agendaMarkup) return; // nothing changed: the focus stays where it is
  const focused = document.activeElement?.closest?.('#agenda-body [data-action]');
  const refocus = focused ? `[data-action="${focused.dataset.action}"][data-code="${focused.dataset.code}"]` : null;
  S.agendaMarkup = markup;
  $('agenda-body').innerHTML = markup;
  if (refocus) ($('agenda-body').querySelector(refocus) ?? $('agenda-search')).focus();
}

async function onAgendaClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const code = button.dataset.code;
  if (button.dataset.action === 'checkin-row') {
    await runCheckIn(code, { fromRow: true });
  } else if (button.dataset.action === 'noshow-row') {
    await recordOutcome(code, 'no_show');
  }
}

// ---------------------------------------------------------------------------------------------
// The current call at this desk
// ---------------------------------------------------------------------------------------------

/** After a refresh: the booking called to this desk today, if the agenda has one. */
function deriveCurrent() {
  if (!S.agenda || S.agenda.date !== todayInRome() || (S.agenda.office_id && S.agenda.office_id !== S.office)) {
    renderCurrent();
    return;
  }
  const desk = $('desk').value.trim();
  const called = (S.agenda.bookings || [])
    .filter((e) => e.state === 'called' && desk && e.desk === desk)
    .sort((a, b) => String(b.called_at).localeCompare(String(a.called_at)));
  S.current = called[0] ?? null;
  renderCurrent();
}

function renderCurrent(force = false) {
  const entry = S.current;
  const key = entry ? `${entry.short_code}|${entry.state}|${entry.called_at}|${entry.desk}|${currentLang()}` : `none|${currentLang()}`;
  if (!force && key === S.currentKey) return; // unchanged: keep the focus on its buttons
  S.currentKey = key;
  const box = $('current');
  if (!entry) {
    box.innerHTML = `<p class="current-none">${esc(t('current_none'))}</p>`;
    return;
  }
  const person = personOf(entry);
  box.innerHTML = `
    <div class="current-ticket">
      <span class="current-label">${esc(t('current_label'))}</span>
      <span class="ticket">${esc(entry.ticket ?? '')}</span>
    </div>
    <p class="current-facts">${person ? `<strong>${esc(person)}</strong><br>` : ''}${esc(serviceName(entry.service_id))}, ${esc(entry.start)}–${esc(entry.end)}<br>${esc(spacedCode(entry.short_code))}</p>
    <div class="button-row">
      <button type="button" class="btn btn-outline-primary" data-call="recall">${esc(t('recall'))}</button>
      <button type="button" class="btn btn-outline-primary" data-call="put-back">${esc(t('put_back'))}</button>
      <button type="button" class="btn btn-success" data-call="served">${esc(t('served'))}</button>
      <button type="button" class="btn btn-outline-danger" data-call="no_show">${esc(t('no_show'))}</button>
    </div>`;
}

function callFeedback(message) {
  showText($('call-feedback'), message);
  announce(message);
}

async function onCallNext() {
  const desk = requireDesk();
  if (!desk) return;
  try {
    const entry = await staffApi.callNext(S.office, desk);
    if (!entry) {
      callFeedback(t('nobody_waiting'));
      return;
    }
    S.current = entry;
    renderCurrent();
    const person = personOf(entry);
    callFeedback(`${t('called', entry.ticket, entry.desk ?? desk)}${person ? ` ${person}.` : ''}`);
  } catch (error) {
    callFeedback(error.message);
  }
  refreshAgenda({ quiet: true });
}

async function onCurrentClick(event) {
  const button = event.target.closest('button[data-call]');
  if (!button || !S.current) return;
  const entry = S.current;
  const action = button.dataset.call;
  if (action === 'served' || action === 'no_show') {
    await recordOutcome(entry.short_code, action);
    return;
  }
  try {
    if (action === 'recall') {
      const desk = requireDesk();
      if (!desk) return;
      const updated = await staffApi.recall(entry.short_code, desk);
      S.current = updated;
      renderCurrent();
      callFeedback(t('recalled', updated.ticket ?? entry.ticket, updated.desk ?? desk));
      $('current').querySelector('[data-call="recall"]')?.focus();
    } else if (action === 'put-back') {
      await staffApi.putBack(entry.short_code);
      S.current = null;
      renderCurrent();
      callFeedback(t('put_back_done', entry.ticket));
      $('call-next').focus();
    }
  } catch (error) {
    callFeedback(error.message);
  }
  refreshAgenda({ quiet: true });
}

async function recordOutcome(code, outcome) {
  try {
    await staffApi.outcome(code, outcome);
    const message = outcome === 'served' ? t('served_done', spacedCode(code)) : t('no_show_done', spacedCode(code));
    const wasCurrent = S.current?.short_code === code;
    if (wasCurrent) {
      S.current = null;
      renderCurrent();
      callFeedback(message);
      $('call-next').focus();
    } else {
      announce(message);
    }
  } catch (error) {
    if (S.current?.short_code === code) callFeedback(error.message);
    else announce(error.message);
  }
  refreshAgenda({ quiet: true });
}

// ---------------------------------------------------------------------------------------------
// Check-in: QR code (verified here first) or short code
// ---------------------------------------------------------------------------------------------

function resetCheckinResult() {
  $('checkin-result').hidden = false;
  $('checkin-result').className = 'checkin-result';
  for (const id of ['sig-status', 'sig-booking', 'sig-office']) showText($(id), '');
  $('checkin-state').innerHTML = '';
}

function stateMarkup(entry) {
  const person = personOf(entry);
  const facts = `${person ? `<strong>${esc(person)}</strong><br>` : ''}${esc(serviceName(entry.service_id))}, ${esc(entry.start)}–${esc(entry.end)}, ${esc(spacedCode(entry.short_code))}`;
  if (entry.ticket && ['checked_in', 'called'].includes(entry.state)) {
    return `<p class="ticket-line">${esc(t('walkin_ticket'))} <span class="ticket">${esc(entry.ticket)}</span></p><p class="mb-0">${facts}</p>`;
  }
  return `<p class="mb-1"><span class="state state-${esc(entry.state)}">${esc(t('states')[entry.state] ?? entry.state)}</span></p><p class="mb-0">${facts}</p>`;
}

async function onCheckinSubmit(event) {
  event.preventDefault();
  const input = $('checkin-code');
  const text = input.value.trim();
  if (!text) {
    fieldError(input, $('checkin-error'), t('err_checkin_empty'));
    input.focus();
    return;
  }
  if (!looksLikeToken(text) && !/^[A-Z0-9]{8}$/.test(normalisedCode(text))) {
    fieldError(input, $('checkin-error'), t('err_checkin_format'));
    input.focus();
    return;
  }
  fieldError(input, $('checkin-error'), '');
  await runCheckIn(text);
}

/** Checks in a token (a QR code's text) or a short code, and shows what happened. */
async function runCheckIn(text, { fromRow = false } = {}) {
  if (!S.office) return;
  const serial = ++S.checkinSerial;
  resetCheckinResult();
  const result = $('checkin-result');
  let body;
  let preface = '';
  if (looksLikeToken(text)) {
    const token = text.trim();
    const { status, claims } = await verifyToken(token);
    if (serial !== S.checkinSerial) return;
    if (status === 'malformed' || status === 'invalid') {
      const message = t(status === 'malformed' ? 'sig_malformed' : 'sig_invalid');
      result.classList.add('is-bad');
      showText($('sig-status'), message);
      if (claims) showText($('sig-booking'), t('sig_booking', spacedCode(claims.shortCode), formatDay(claims.date), claims.start));
      announce(message);
      return;
    }
    showText($('sig-status'), t(status === 'valid' ? 'sig_valid' : 'sig_unverifiable'));
    $('sig-status').classList.toggle('is-good', status === 'valid');
    showText($('sig-booking'), t('sig_booking', spacedCode(claims.shortCode), formatDay(claims.date), claims.start));
    if (claims.office !== S.office) showText($('sig-office'), `${t('sig_other_office')} (${officeName(claims.office)})`);
    preface = `${$('sig-status').textContent}. ${$('sig-booking').textContent}.`;
    announce(preface);
    body = { office_id: S.office, token };
  } else {
    body = { office_id: S.office, short_code: normalisedCode(text) };
  }
  $('checkin-state').innerHTML = `<p class="mb-0">${esc(t('checking_state'))}</p>`;
  try {
    const entry = await staffApi.checkIn(body);
    if (serial !== S.checkinSerial) return;
    result.classList.add('is-good');
    $('checkin-state').innerHTML = stateMarkup(entry);
    const person = personOf(entry);
    announce(`${entry.ticket ? t('checked_in', entry.ticket) : t('states')[entry.state]}. ${person}`.trim());
    $('checkin-code').value = '';
  } catch (error) {
    if (serial !== S.checkinSerial) return;
    result.classList.add('is-bad');
    const message = error.status === 0 ? t('state_unknown_offline') : error.message;
    $('checkin-state').innerHTML = `<p class="mb-0 checkin-problem">${esc(message)}</p>`;
    announce(message);
  }
  if (!fromRow) $('checkin-code').focus();
  refreshAgenda({ quiet: true });
}

// The camera ------------------------------------------------------------------------------------

function stopScanner() {
  S.scanner?.stop();
  S.scanner = null;
  if ($('scanner')) $('scanner').hidden = true;
}

async function onScanStart() {
  if (S.scanner) return;
  const status = $('scan-status');
  $('scanner').hidden = false;
  $('scan-video').hidden = false;
  if (!cameraAvailable()) {
    status.textContent = t('scan_unsupported');
    $('scan-video').hidden = true;
    announce(t('scan_unsupported'));
    return;
  }
  status.textContent = t('scan_starting');
  announce(t('scan_starting'));
  try {
    S.scanner = await startScanner($('scan-video'), (text) => {
      S.scanner = null;
      $('scanner').hidden = true;
      $('checkin-code').value = text;
      fieldError($('checkin-code'), $('checkin-error'), '');
      runCheckIn(text);
    });
    status.textContent = t('scan_looking');
    announce(t('scan_looking'));
  } catch {
    S.scanner = null;
    $('scan-video').hidden = true;
    status.textContent = t('scan_denied');
    announce(t('scan_denied'));
    $('scan-stop').focus();
  }
}

function onScanStop() {
  stopScanner();
  $('scan-start').focus();
}

// ---------------------------------------------------------------------------------------------
// Visitors without a booking
// ---------------------------------------------------------------------------------------------

async function openWalkIn() {
  $('walkin').hidden = false;
  $('walkin-open').setAttribute('aria-expanded', 'true');
  $('walkin-result').hidden = true;
  showText($('walkin-error'), '');
  const select = $('walkin-service');
  select.innerHTML = `<option value="">${esc(t('loading'))}</option>`;
  $('walkin-title').focus();
  try {
    const ids = await servicesOfOffice(S.office);
    select.innerHTML = `<option value="">–</option>${ids.map((id) => `<option value="${esc(id)}">${esc(serviceName(id))}</option>`).join('')}`;
    if (ids.length === 1) select.value = ids[0];
  } catch (error) {
    select.innerHTML = '<option value="">–</option>';
    showText($('walkin-error'), error.message || t('services_failed'));
  }
}

function closeWalkIn(focus = true) {
  $('walkin').hidden = true;
  $('walkin-open').setAttribute('aria-expanded', 'false');
  $('walkin-form').reset();
  clearWalkInMarks();
  fieldError($('walkin-service'), $('walkin-service-error'), '');
  showText($('walkin-error'), '');
  if (focus) $('walkin-open').focus();
}

const WALKIN_FIELDS = {
  service_id: 'walkin-service',
  name: 'walkin-name',
  surname: 'walkin-surname',
  contact: 'walkin-contact',
  details: 'walkin-details',
};

function clearWalkInMarks() {
  for (const id of Object.values(WALKIN_FIELDS).slice(1)) {
    $(id).classList.remove('is-invalid');
    $(id).removeAttribute('aria-invalid');
    $(id).removeAttribute('aria-describedby');
  }
}

async function onWalkInSubmit(event) {
  event.preventDefault();
  clearWalkInMarks();
  const service = $('walkin-service');
  if (!service.value) {
    fieldError(service, $('walkin-service-error'), t('err_service'));
    service.focus();
    return;
  }
  fieldError(service, $('walkin-service-error'), '');
  const body = { service_id: service.value, lang: currentLang() };
  for (const [field, id] of [['name', 'walkin-name'], ['surname', 'walkin-surname'], ['contact', 'walkin-contact'], ['details', 'walkin-details']]) {
    const value = $(id).value.trim();
    if (value) body[field] = value;
  }
  const button = event.target.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const entry = await staffApi.walkIn(S.office, body);
    closeWalkIn(false);
    const result = $('walkin-result');
    const message = t('walkin_done', entry.ticket ?? '–', `${entry.start}–${entry.end}`);
    result.innerHTML = `
      <p class="ticket-line">${esc(t('walkin_ticket'))} <span class="ticket">${esc(entry.ticket ?? '–')}</span></p>
      <p class="mb-0">${esc(serviceName(entry.service_id))}, ${esc(entry.start)}–${esc(entry.end)}, ${esc(spacedCode(entry.short_code))}</p>`;
    result.hidden = false;
    result.focus();
    announce(message);
  } catch (error) {
    // A problem about one field (422 with `field`) marks that field, described by the message.
    const input = WALKIN_FIELDS[error.field] ? $(WALKIN_FIELDS[error.field]) : null;
    showText($('walkin-error'), error.message);
    if (input) {
      input.classList.add('is-invalid');
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'walkin-error');
      input.focus();
    } else {
      $('walkin-error').focus();
    }
  } finally {
    button.disabled = false;
  }
  refreshAgenda({ quiet: true });
}

// ---------------------------------------------------------------------------------------------
// Language and start
// ---------------------------------------------------------------------------------------------

async function onLanguage() {
  translate();
  setTitle();
  renderWho();
  renderStateFilter();
  if (S.me) {
    S.officeServices.clear();
    await loadServiceNames();
    S.agendaMarkup = '';
    renderAgenda();
    renderCurrent(true);
  }
}

function bind() {
  $('office').addEventListener('change', onOfficeChange);
  $('desk').addEventListener('input', onDeskInput);
  $('place-form').addEventListener('submit', (event) => event.preventDefault());
  $('checkin-form').addEventListener('submit', onCheckinSubmit);
  $('scan-start').addEventListener('click', onScanStart);
  $('scan-stop').addEventListener('click', onScanStop);
  $('call-next').addEventListener('click', onCallNext);
  $('current').addEventListener('click', onCurrentClick);
  $('walkin-open').addEventListener('click', () => ($('walkin').hidden ? openWalkIn() : closeWalkIn()));
  $('walkin-cancel').addEventListener('click', () => closeWalkIn());
  $('walkin-form').addEventListener('submit', onWalkInSubmit);
  $('agenda-filters').addEventListener('submit', (event) => event.preventDefault());
  $('agenda-state').addEventListener('change', renderAgenda);
  $('agenda-search').addEventListener('input', renderAgenda);
  $('agenda-date').addEventListener('change', () => { S.agendaMarkup = ''; refreshAgenda(); });
  $('agenda-refresh').addEventListener('click', () => refreshAgenda());
  $('agenda-body').addEventListener('click', onAgendaClick);
  document.addEventListener('prenota:lang', onLanguage);
  window.addEventListener('pagehide', stopScanner);
}

const signIn = staffSignIn({
  view: 'view-counter',
  onSignedIn: showCounter,
  onSignedOut: () => { stopWork(); S.me = null; },
});
initChrome();
translate();
setTitle();
bind();
signIn.start();
