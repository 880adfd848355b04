// The citizen's booking wizard: home, the five steps of the seed (Cerca servizio, Scegli sede,
// Scegli orario, Inserisci dati + Riepilogo, Conferma) and "Le mie prenotazioni".
// Each step has its own address (/?step=…) pushed on the history, so the browser's back button
// moves between steps; the state is in sessionStorage, so a reload keeps the step.
import { api, ApiError } from './api.js';
import { initChrome } from './chrome.js';
import { esc } from './html.js';
import { currentLang, formatDate, formatDistance, formatInstant, formatRange, t } from './i18n.js';
import { emptyState, loadState, saveState } from './state.js';
import { startCountdown, stopCountdown } from './countdown.js';
import { bindFeedback, feedbackMarkup } from './feedback.js';

const STEPS = ['service', 'office', 'slot', 'details', 'summary', 'done'];
// The stepper shows five steps: the summary is part of "Inserisci dati".
const STEPPER_INDEX = { service: 0, office: 1, slot: 2, details: 3, summary: 3, done: 4 };
const DETAILS_MAX = 200;

let state = loadState();
const views = {
  home: document.getElementById('view-home'),
  wizard: document.getElementById('view-wizard'),
  my: document.getElementById('view-my'),
};
const content = document.getElementById('step-content');
const announcer = document.getElementById('announcer');

function persist() {
  saveState(state);
}

function announce(message) {
  // Cleared first so that the same message twice is read twice.
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

function urlFor(view, step) {
  if (view === 'wizard') return `/?step=${step}`;
  if (view === 'my') return '/?view=my-bookings';
  return '/';
}

/** The furthest step the state allows, so that a reload or a stale history entry never shows a step without its data. */
function allowedStep(step) {
  if (state.result && ['details', 'summary', 'done'].includes(step)) return 'done';
  if (['details', 'summary'].includes(step) && !state.hold) return state.office ? 'slot' : state.service ? 'office' : 'service';
  if (step === 'done' && !state.result) return state.hold ? 'summary' : 'service';
  if (step === 'slot' && !state.office) return state.service ? 'office' : 'service';
  if (step === 'office' && !state.service) return 'service';
  return STEPS.includes(step) ? step : 'service';
}

/**
 * Moves to a step: releases the hold when going back to a step before the slot is chosen ("INDIETRO").
 * `offices` is an answer of api.offices just fetched for the chosen service, which "Scegli sede"
 * shows instead of asking the same again.
 */
async function go(step, { push = true, focus = true, offices = null } = {}) {
  // A sent booking cannot be edited: leaving "Conferma" (e.g. with the back button) starts afresh.
  if (step !== 'done' && state.result) state = { ...emptyState(), position: state.position };
  const target = allowedStep(step);
  if (['service', 'office', 'slot'].includes(target) && state.hold) await releaseHold();
  persist();
  if (push) history.pushState({ view: 'wizard', step: target }, '', urlFor('wizard', target));
  else history.replaceState({ view: 'wizard', step: target }, '', urlFor('wizard', target));
  await renderWizard(target, focus, offices);
}

function showView(name) {
  // The inline script in index.html hid the home page before the first paint when the address
  // asks for another view (no jump when the wizard replaces it); from here the views' hidden
  // attributes decide.
  document.documentElement.classList.remove('app-view');
  for (const [key, element] of Object.entries(views)) element.hidden = key !== name;
}

function showHome(focus) {
  showView('home');
  stopCountdown();
  document.title = `${t('home_title')} – ${t('title_suffix')}`;
  if (focus) views.home.querySelector('h1').focus();
}

async function route({ focus = false } = {}) {
  const params = new URLSearchParams(location.search);
  if (params.has('service')) return openDeepLink(params.get('service'), params.get('office'));
  if (params.get('view') === 'my-bookings') return showMyBookings(focus);
  if (params.has('step')) return go(params.get('step'), { push: false, focus });
  return showHome(focus);
}

/** /?service=ID opens "Scegli sede" with the service chosen; &office=ID opens "Scegli orario". */
async function openDeepLink(serviceId, officeId) {
  if (state.hold) await releaseHold();
  state = { ...emptyState(), position: state.position };
  let data = null;
  try {
    data = await api.offices(serviceId);
    state.service = { ...data.service, lang: currentLang() };
    const office = data.offices.find((o) => o.id === officeId);
    if (office) state.office = { id: office.id, name: office.name, address: office.address };
  } catch (error) {
    state.notice = { kind: 'warning', text: error.message };
  }
  return go(state.office ? 'slot' : state.service ? 'office' : 'service', { push: false, focus: false, offices: data });
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of a step
// ---------------------------------------------------------------------------------------------

function stepperMarkup(step) {
  const current = STEPPER_INDEX[step];
  const names = t('step_names');
  const items = names.map((name, i) => {
    if (i < current) {
      return `<li class="confirmed"><span class="steppers-number" aria-hidden="true">${i + 1}</span> ${esc(name)}<svg class="icon steppers-success" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-check"></use></svg><span class="visually-hidden">(${esc(t('step_done'))})</span></li>`;
    }
    if (i === current) {
      return `<li class="active" aria-current="step"><span class="steppers-number" aria-hidden="true">${i + 1}</span> ${esc(name)}<span class="visually-hidden">(${esc(t('step_current'))})</span></li>`;
    }
    return `<li><span class="steppers-number" aria-hidden="true">${i + 1}</span> ${esc(name)}</li>`;
  }).join('');
  return `
    <nav class="steppers" aria-label="${esc(t('steps_label'))}">
      <div class="steppers-header">
        <ul>${items}</ul>
        <span class="steppers-index" aria-hidden="true">${esc(t('step_of', current + 1, names.length))}</span>
      </div>
    </nav>`;
}

function modifyLink(step, label) {
  return `<a class="btn btn-outline-primary btn-xs modify-link" href="${urlFor('wizard', step)}" data-goto="${step}" aria-label="${esc(label)}">${esc(t('modify'))}</a>`;
}

function chosenServiceMarkup() {
  return `
    <div class="chosen">
      <p class="mb-0"><span class="chosen-label">${esc(t('chosen_service'))}</span> <strong>${esc(state.service.name)}</strong></p>
      ${modifyLink('service', t('modify_service'))}
    </div>`;
}

function chosenOfficeMarkup({ withDay = true } = {}) {
  const day = withDay && state.date ? `<br>${esc(t('slot_on', formatDate(state.date)))}` : '';
  return `
    <div class="chosen">
      <p class="mb-0"><span class="chosen-label">${esc(t('chosen_office'))}</span> <strong class="text-uppercase">${esc(state.office.name)}</strong><br>${esc(state.office.address)}${day}</p>
      ${modifyLink('office', t('modify_office'))}
    </div>`;
}

function chosenSlotMarkup() {
  return `
    <div class="chosen">
      <p class="mb-0"><span class="chosen-label">${esc(t('chosen_slot'))}</span> <strong>${esc(formatDate(state.slot.date))}</strong><br>${esc(t('chosen_time', formatRange(state.slot.start, state.slot.end)))}</p>
      ${modifyLink('slot', t('modify_slot'))}
    </div>`;
}

/**
 * "Home / Prenotazione appuntamento / <the step>" (Designers Italia's data-element="breadcrumb").
 * The middle item starts the wizard again, as MODIFICA on the service does.
 */
function crumbsMarkup(current, middle = true) {
  const separator = '<span class="separator" aria-hidden="true">/</span>';
  const booking = middle
    ? `<li class="breadcrumb-item"><a href="${urlFor('wizard', 'service')}" data-goto="service">${esc(t('crumb_booking'))}</a>${separator}</li>`
    : '';
  return `
    <nav class="breadcrumb-container" aria-label="${esc(t('crumbs'))}" data-element="breadcrumb">
      <ol class="breadcrumb p-0">
        <li class="breadcrumb-item"><a href="/" data-home>${esc(t('crumb_home'))}</a>${separator}</li>
        ${booking}
        <li class="breadcrumb-item active" aria-current="page">${esc(current)}</li>
      </ol>
    </nav>`;
}

function noticeMarkup() {
  if (!state.notice) return '';
  const { kind, text, extra = '' } = state.notice;
  return `<div class="alert alert-${kind === 'success' ? 'success' : 'warning'}" role="alert" id="step-notice" tabindex="-1"><p class="mb-0">${esc(text)}</p>${extra}</div>`;
}

const STEP_TITLES = { service: 'search_title', office: 'office_title', slot: 'slot_title', details: 'details_title', summary: 'summary_title', done: 'done_title' };

function stepHeading(step) {
  return `<h2 class="h3 step-heading" id="step-heading" tabindex="-1">${esc(t(STEP_TITLES[step]))}</h2>`;
}

function setTitle(step) {
  const index = STEPPER_INDEX[step];
  const name = step === 'summary' ? t('summary_title') : t('step_names')[index];
  document.title = `${t('step_of', index + 1, 5)}: ${name} – ${t('title_suffix')}`;
}

function errorBlock(error) {
  return `<div class="alert alert-danger" role="alert"><p class="mb-2">${esc(error.message)}</p><button type="button" class="btn btn-outline-primary btn-sm" data-action="retry">${esc(t('retry'))}</button></div>`;
}

async function renderWizard(step, focus, offices = null) {
  showView('wizard');
  setTitle(step);
  document.getElementById('wizard-crumbs').innerHTML = crumbsMarkup(t(STEP_TITLES[step]));
  document.getElementById('stepper').innerHTML = stepperMarkup(step);
  if (state.hold) startCountdown(state.hold.expires_at, onHoldExpired);
  else stopCountdown();
  content.setAttribute('aria-busy', 'true');
  await refreshServiceName();
  const renderers = { service: renderService, office: renderOffice, slot: renderSlot, details: renderDetails, summary: renderSummary, done: renderDone };
  await renderers[step](step === 'office' ? offices : undefined);
  content.removeAttribute('aria-busy');
  const notice = document.getElementById('step-notice');
  state.notice = null;
  persist();
  if (notice) notice.focus();
  else if (focus) document.getElementById('step-heading')?.focus();
}

/** After a language switch, the chosen service's name is asked again in the new language. */
async function refreshServiceName() {
  if (!state.service || state.service.lang === currentLang()) return;
  const data = await api.offices(state.service.id).catch(() => null);
  if (data) state.service = { ...data.service, lang: currentLang() };
}

// ---------------------------------------------------------------------------------------------
// 1 Cerca servizio
// ---------------------------------------------------------------------------------------------

let searchSerial = 0;

async function renderService() {
  content.innerHTML = `
    ${noticeMarkup()}
    ${stepHeading('service')}
    <form class="search-form" role="search" data-form="search">
      <div class="form-group mb-2">
        <label for="service-search" class="active">${esc(t('search_label'))}</label>
        <input type="search" class="form-control" id="service-search" autocomplete="off" spellcheck="false" aria-describedby="search-hint search-status" aria-controls="service-results">
        <small id="search-hint" class="form-text">${esc(t('search_hint'))}</small>
      </div>
    </form>
    <p id="search-status" class="search-status" role="status"></p>
    <div id="service-results"></div>`;
  await showServices('');
}

async function showServices(query) {
  const serial = ++searchSerial;
  const results = document.getElementById('service-results');
  const status = document.getElementById('search-status');
  let data;
  try {
    data = await api.services(query);
  } catch (error) {
    results.innerHTML = errorBlock(error);
    return;
  }
  if (serial !== searchSerial) return; // an older answer arriving after a newer one
  if (data.services.length) {
    status.textContent = query ? t('search_count', data.services.length) : '';
    results.innerHTML = serviceListMarkup(data.services);
    return;
  }
  const all = await api.services('').catch(() => ({ services: [] }));
  if (serial !== searchSerial) return;
  status.textContent = t('search_none', query);
  results.innerHTML = `
    <div class="callout note no-results"><p class="mb-2"><strong>${esc(t('search_none', query))}</strong></p><p class="mb-0">${esc(t('search_suggest'))}</p></div>
    ${serviceListMarkup(all.services)}`;
}

function serviceListMarkup(services) {
  const items = services.map((service) => `
    <li class="service-item card card-bg position-relative">
      <div class="card-body">
        <h3 class="h5 card-title"><button type="button" class="btn btn-link stretched-link service-choose" data-action="service" data-id="${esc(service.id)}">${esc(service.name)}</button></h3>
        <p class="card-text">${esc(service.summary)}</p>
        ${service.duration_minutes ? `<p class="service-duration mb-0"><svg class="icon icon-sm" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-clock"></use></svg> ${esc(t('duration'))}: ${esc(t('minutes', service.duration_minutes))}</p>` : ''}
      </div>
    </li>`).join('');
  return `<ul class="service-list list-unstyled">${items}</ul>`;
}

let searchTimer = 0;
function onSearchInput(input) {
  clearTimeout(searchTimer);
  // A short pause so that each keystroke does not cost a request.
  searchTimer = setTimeout(() => showServices(input.value.trim()), 180);
}

async function chooseService(id) {
  let data;
  try {
    data = await api.offices(id);
  } catch (error) {
    state.notice = { kind: 'warning', text: error.message };
    return renderWizard('service', false);
  }
  state.service = { ...data.service, lang: currentLang() };
  state.office = null;
  state.date = null;
  await go('office', { offices: data });
}

// ---------------------------------------------------------------------------------------------
// 2 Scegli sede
// ---------------------------------------------------------------------------------------------

async function renderOffice(fetched) {
  // What was fetched to choose the service was asked without the citizen's position.
  let data = state.position ? null : fetched;
  try {
    data ??= await api.offices(state.service.id, state.position);
  } catch (error) {
    content.innerHTML = `${stepHeading('office')}${errorBlock(error)}`;
    return;
  }
  state.service = { ...data.service, lang: currentLang() };
  content.innerHTML = `
    ${noticeMarkup()}
    ${chosenServiceMarkup()}
    ${stepHeading('office')}
    <p class="lead">${esc(t('office_lead'))}</p>
    <div class="geo">
      <button type="button" class="btn btn-outline-primary btn-sm" data-action="geolocate"><svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-map-marker-circle"></use></svg> ${esc(t('geo_button'))}</button>
      <small class="form-text d-block">${esc(t('geo_note'))}</small>
      <p id="geo-status" class="geo-status" role="status"></p>
    </div>
    <div class="office-map-wrap">
      <div id="office-map" class="office-map" role="region" aria-label="${esc(t('map_label'))}"></div>
      <p id="map-status" class="map-status alert alert-warning" role="status" hidden></p>
    </div>
    ${data.offices.length ? officeListMarkup(data.offices) : `<p>${esc(t('offices_none'))}</p>`}`;
  drawMap(data.offices);
}

function officeListMarkup(offices) {
  const items = offices.map((office) => {
    const distance = office.distance_m == null ? '' : `<span class="office-distance">${esc(formatDistance(office.distance_m))}</span> `;
    const first = office.first_slot
      ? `<p class="first-slot mb-3"><strong>${esc(t('first_slot'))}</strong><br>${esc(t('date'))}: ${esc(formatDate(office.first_slot.date))}<br>${esc(t('time'))}: ${esc(formatRange(office.first_slot.start, office.first_slot.end))}</p>`
      : `<p class="first-slot mb-3">${esc(t('no_slot'))}</p>`;
    return `
      <li class="office-item card card-bg" data-office="${esc(office.id)}">
        <div class="card-body">
          <h3 class="h5 card-title">${esc(office.name)}</h3>
          <p class="office-address">${distance}${esc(office.address)}</p>
          ${first}
          <button type="button" class="btn btn-primary btn-sm" data-action="office" data-id="${esc(office.id)}" ${office.first_slot ? '' : 'disabled'} aria-label="${esc(`${t('choose_office')}: ${office.name}`)}">${esc(t('choose_office'))}</button>
        </div>
      </li>`;
  }).join('');
  return `<ol class="office-list list-unstyled">${items}</ol>`;
}

async function drawMap(offices) {
  const { showOfficesMap } = await import('./map.js');
  await showOfficesMap(document.getElementById('office-map'), document.getElementById('map-status'), offices, (id) => chooseOffice(id, offices));
}

async function chooseOffice(id, offices) {
  const office = offices ? offices.find((o) => o.id === id) : null;
  const found = office || (await api.offices(state.service.id)).offices.find((o) => o.id === id);
  if (!found) return;
  state.office = { id: found.id, name: found.name, address: found.address };
  state.date = found.first_slot?.date ?? null;
  await go('slot');
}

function geolocate() {
  const status = document.getElementById('geo-status');
  if (!('geolocation' in navigator)) {
    status.textContent = t('geo_denied');
    return;
  }
  status.textContent = t('geo_wait');
  navigator.geolocation.getCurrentPosition(async (position) => {
    state.position = { lat: position.coords.latitude, lon: position.coords.longitude };
    persist();
    await renderOffice();
    document.getElementById('geo-status').textContent = t('geo_ok');
  }, () => {
    status.textContent = t('geo_denied');
  }, { timeout: 10000, maximumAge: 300000 });
}

// ---------------------------------------------------------------------------------------------
// 3 Scegli orario
// ---------------------------------------------------------------------------------------------

async function fetchSlots(date) {
  try {
    return await api.slots(state.service.id, state.office.id, date);
  } catch (error) {
    // A remembered day that is no longer bookable: fall back to the first day with a free slot.
    if (date && error.status === 422) return api.slots(state.service.id, state.office.id, null);
    throw error;
  }
}

async function renderSlot() {
  let data;
  try {
    data = await fetchSlots(state.date);
  } catch (error) {
    content.innerHTML = `${chosenServiceMarkup()}${stepHeading('slot')}${errorBlock(error)}`;
    return;
  }
  state.date = data.date;
  content.innerHTML = `
    ${chosenServiceMarkup()}
    ${chosenOfficeMarkup()}
    ${noticeMarkup()}
    ${stepHeading('slot')}
    ${data.date ? dayNavMarkup(data) + slotListMarkup(data) : `<p>${esc(t('slots_none'))}</p>`}
    <div class="step-actions">
      <a class="btn btn-outline-secondary" href="${urlFor('wizard', 'office')}" data-goto="office">${esc(t('back'))}</a>
    </div>`;
}

function dayNavMarkup(data) {
  const index = data.days.indexOf(data.date);
  const prev = index > 0 ? data.days[index - 1] : null;
  const next = index >= 0 && index < data.days.length - 1 ? data.days[index + 1] : null;
  const options = data.days.map((day) => `<option value="${day}" ${day === data.date ? 'selected' : ''}>${esc(formatDate(day))}</option>`).join('');
  // Icon references are written out in full: the build keeps only the sprite's symbols it finds.
  const arrowLeft = '<svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-chevron-left"></use></svg>';
  const arrowRight = '<svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-chevron-right"></use></svg>';
  return `
    <div class="day-nav">
      <button type="button" class="btn btn-outline-primary btn-sm" data-action="day" data-day="${prev ?? ''}" ${prev ? '' : 'disabled'}>${arrowLeft}<span class="visually-hidden">${esc(t('day_prev'))}</span></button>
      <div class="select-wrapper day-select">
        <label for="day-select" class="visually-hidden">${esc(t('day_label'))}</label>
        <select id="day-select" data-action="day-select">${options}</select>
      </div>
      <button type="button" class="btn btn-outline-primary btn-sm" data-action="day" data-day="${next ?? ''}" ${next ? '' : 'disabled'}>${arrowRight}<span class="visually-hidden">${esc(t('day_next'))}</span></button>
    </div>`;
}

function slotListMarkup(data) {
  const day = formatDate(data.date);
  const buttons = data.slots.map((slot) => {
    const time = formatRange(slot.start, slot.end);
    return `<li><button type="button" class="btn btn-outline-primary slot-button" data-action="slot" data-start="${slot.start}" data-end="${slot.end}" aria-label="${esc(`${time}, ${day}, ${state.office.name}`)}">${esc(time)}</button></li>`;
  }).join('');
  return `<p class="mt-3">${esc(t('slot_lead'))}</p><ul class="slot-list list-unstyled" id="slot-list">${buttons}</ul>`;
}

async function changeDay(day) {
  if (!day) return;
  state.date = day;
  persist();
  await renderSlot();
  document.getElementById('day-select')?.focus();
}

/**
 * Holds a slot. When the service is under pressure the hold answers 428 challenge_required: the
 * browser then solves a proof of work (challenge.js, in Web Workers, nothing to see or click) and
 * asks once more with it; a second refusal is shown like any other.
 */
async function placeHold(slot) {
  try {
    return await api.hold(slot);
  } catch (error) {
    if (error.code !== 'challenge_required') throw error;
    announce(t('checking'));
    content.setAttribute('aria-busy', 'true');
    let altcha;
    try {
      const [challenge, solver] = await Promise.all([api.challenge(), import('./challenge.js')]);
      altcha = solver.payload(challenge, await solver.solve(challenge));
    } catch (failure) {
      // The challenge could not be fetched or solved: the network's message, else the 428's own.
      throw failure instanceof ApiError ? failure : error;
    } finally {
      content.removeAttribute('aria-busy');
    }
    return api.hold({ ...slot, altcha });
  }
}

async function holdSlot(date, start, end) {
  for (const button of content.querySelectorAll('[data-action="slot"], [data-action="next-slot"]')) button.disabled = true;
  announce(t('holding'));
  try {
    const hold = await placeHold({ service_id: state.service.id, office_id: state.office.id, date, start });
    state.hold = { id: hold.hold_id, expires_at: hold.expires_at };
    state.slot = { date, start, end };
    state.errors = {};
    await go('details');
  } catch (error) {
    if (error.code === 'slot_taken') await offerNextSlot(date, start, error.message);
    else {
      state.notice = { kind: 'warning', text: error.message };
      await renderWizard('slot', false);
    }
  }
}

/** Someone else got the last seat: say so, and offer the next free slot of the office. */
async function offerNextSlot(date, start, detail) {
  state.date = date;
  let next = null;
  try {
    const sameDay = await api.slots(state.service.id, state.office.id, date);
    next = sameDay.slots.find((s) => s.start > start) ? { date, ...sameDay.slots.find((s) => s.start > start) } : null;
    const laterDay = sameDay.days.find((d) => d > date);
    if (!next && laterDay) {
      const later = await api.slots(state.service.id, state.office.id, laterDay);
      if (later.slots[0]) next = { date: laterDay, ...later.slots[0] };
    }
  } catch {
    next = null;
  }
  const extra = next
    ? `<button type="button" class="btn btn-primary btn-sm mt-2" data-action="next-slot" data-date="${next.date}" data-start="${next.start}" data-end="${next.end}">${esc(t('slot_next', `${formatDate(next.date)}, ${formatRange(next.start, next.end)}`))}</button>`
    : '';
  state.notice = { kind: 'warning', text: `${t('slot_taken')} ${detail}`, extra };
  await renderWizard('slot', false);
}

async function releaseHold() {
  const holdId = state.hold?.id;
  state.hold = null;
  state.slot = null;
  stopCountdown();
  persist();
  if (holdId) await api.release(holdId).catch(() => null);
}

async function onHoldExpired() {
  await releaseHold();
  state.notice = { kind: 'warning', text: t('expired') };
  announce(t('expired'));
  await go('slot');
}

// ---------------------------------------------------------------------------------------------
// 4 Inserisci dati, then Riepilogo
// ---------------------------------------------------------------------------------------------

const FIELDS = [
  { key: 'name', api: 'name', id: 'f-name', autocomplete: 'given-name' },
  { key: 'surname', api: 'surname', id: 'f-surname', autocomplete: 'family-name' },
  { key: 'contact', api: 'contact', id: 'f-contact', autocomplete: 'email' },
  { key: 'details', api: 'details', id: 'f-details' },
  { key: 'accept', api: 'accept_terms', id: 'f-accept' },
];

function errorSummaryMarkup() {
  const entries = FIELDS.filter((f) => state.errors[f.api]);
  if (!entries.length) return '';
  const items = entries.map((f) => `<li><a href="#${f.id}">${esc(state.errors[f.api])}</a></li>`).join('');
  return `<div class="alert alert-danger" role="alert" id="step-notice" tabindex="-1"><p class="mb-2"><strong>${esc(t('errors_title'))}</strong></p><ul class="mb-0">${items}</ul></div>`;
}

function fieldError(apiKey, id) {
  const message = state.errors[apiKey];
  return message ? `<div class="invalid-feedback d-block" id="${id}-error">${esc(message)}</div>` : '';
}

function describedBy(apiKey, id, ...others) {
  const ids = [...others, state.errors[apiKey] ? `${id}-error` : ''].filter(Boolean).join(' ');
  return ids ? `aria-describedby="${ids}"` : '';
}

function textField(key, apiKey, id, label, autocomplete, extra = '') {
  const invalid = state.errors[apiKey] ? 'is-invalid' : '';
  return `
    <div class="form-group">
      <label for="${id}" class="active">${esc(label)}</label>
      <input type="text" class="form-control ${invalid}" id="${id}" name="${key}" value="${esc(state.form[key])}" autocomplete="${autocomplete}" maxlength="60" required aria-required="true" ${invalid ? 'aria-invalid="true"' : ''} ${describedBy(apiKey, id)} ${extra}>
      ${fieldError(apiKey, id)}
    </div>`;
}

function renderDetails() {
  const f = state.form;
  const left = DETAILS_MAX - f.details.length;
  content.innerHTML = `
    ${chosenServiceMarkup()}
    ${chosenOfficeMarkup({ withDay: false })}
    ${chosenSlotMarkup()}
    ${errorSummaryMarkup()}
    ${stepHeading('details')}
    <p class="lead">${esc(t('details_lead'))}</p>
    <p class="small">${esc(t('required_note'))}</p>
    <form id="details-form" novalidate>
      <div class="row">
        <div class="col-md-6">${textField('name', 'name', 'f-name', t('name'), 'given-name')}</div>
        <div class="col-md-6">${textField('surname', 'surname', 'f-surname', t('surname'), 'family-name')}</div>
      </div>
      <div class="form-group">
        <label for="f-contact" class="active">${esc(t('contact'))}</label>
        <input type="text" inputmode="email" class="form-control ${state.errors.contact ? 'is-invalid' : ''}" id="f-contact" name="contact" value="${esc(f.contact)}" placeholder="${esc(t('contact_placeholder'))}" autocomplete="email" maxlength="254" required aria-required="true" ${state.errors.contact ? 'aria-invalid="true"' : ''} ${describedBy('contact', 'f-contact', 'f-contact-hint')}>
        <small id="f-contact-hint" class="form-text">${esc(t('contact_hint'))}</small>
        ${fieldError('contact', 'f-contact')}
      </div>
      <div class="form-group">
        <label for="f-details" class="active">${esc(t('notes'))}</label>
        <textarea class="form-control ${state.errors.details ? 'is-invalid' : ''}" id="f-details" name="details" rows="3" maxlength="${DETAILS_MAX}" ${describedBy('details', 'f-details', 'f-details-hint', 'f-details-count')}>${esc(f.details)}</textarea>
        <small id="f-details-hint" class="form-text">${esc(t('notes_hint'))}</small>
        <small id="f-details-count" class="form-text d-block" aria-live="polite">${esc(t('notes_left', left))}</small>
        ${fieldError('details', 'f-details')}
      </div>
      <div class="form-check">
        <input class="form-check-input ${state.errors.accept_terms ? 'is-invalid' : ''}" type="checkbox" id="f-accept" name="accept" ${f.accept ? 'checked' : ''} required aria-required="true" ${state.errors.accept_terms ? 'aria-invalid="true"' : ''} ${describedBy('accept_terms', 'f-accept', 'f-accept-links')}>
        <label class="form-check-label" for="f-accept">${esc(t('accept'))}</label>
        <p class="small mt-1" id="f-accept-links">${t('accept_links')}</p>
        ${fieldError('accept_terms', 'f-accept')}
      </div>
      <div class="step-actions">
        <button type="submit" class="btn btn-primary">${esc(t('next'))}</button>
        <a class="btn btn-outline-secondary" href="${urlFor('wizard', 'slot')}" data-goto="slot">${esc(t('back'))}</a>
      </div>
    </form>`;
}

function readDetailsForm(form) {
  state.form = {
    name: form.elements.name.value.trim(),
    surname: form.elements.surname.value.trim(),
    contact: form.elements.contact.value.trim(),
    details: form.elements.details.value,
    accept: form.elements.accept.checked,
  };
}

/** Our own checks catch empty fields at once; the API's problem detail judges the rest at INVIA. */
function validateDetails() {
  const errors = {};
  if (!state.form.name) errors.name = t('err_name');
  if (!state.form.surname) errors.surname = t('err_surname');
  if (!state.form.contact) errors.contact = t('err_contact');
  if (state.form.details.length > DETAILS_MAX) errors.details = t('err_notes');
  if (!state.form.accept) errors.accept_terms = t('err_accept');
  return errors;
}

async function submitDetails(form) {
  readDetailsForm(form);
  state.errors = validateDetails();
  if (Object.keys(state.errors).length) {
    persist();
    renderDetails();
    document.getElementById('step-notice').focus();
    return;
  }
  await go('summary');
}

function renderSummary() {
  const f = state.form;
  const row = (label, value, step, modifyLabel) => `
    <div class="summary-row">
      <dt>${esc(label)}</dt>
      <dd>${value}</dd>
      <dd class="summary-modify">${modifyLink(step, modifyLabel)}</dd>
    </div>`;
  content.innerHTML = `
    ${noticeMarkup()}
    ${stepHeading('summary')}
    <p class="lead">${esc(t('summary_lead'))}</p>
    <dl class="summary-list">
      ${row(t('s_service'), esc(state.service.name), 'service', t('modify_service'))}
      ${row(t('s_office'), `${esc(state.office.name)}<br>${esc(state.office.address)}`, 'office', t('modify_office'))}
      ${row(t('s_date'), esc(formatDate(state.slot.date)), 'slot', t('modify_slot'))}
      ${row(t('s_time'), esc(formatRange(state.slot.start, state.slot.end)), 'slot', t('modify_slot'))}
      ${row(t('s_person'), `${esc(f.name)} ${esc(f.surname)}`, 'details', t('modify_data'))}
      ${row(t('s_contact'), esc(f.contact), 'details', t('modify_data'))}
      ${f.details ? row(t('s_notes'), esc(f.details), 'details', t('modify_data')) : ''}
    </dl>
    <div class="step-actions">
      <button type="button" class="btn btn-primary" data-action="send"><svg class="icon icon-sm icon-white" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-mail"></use></svg> ${esc(t('send'))}</button>
      <a class="btn btn-outline-secondary" href="${urlFor('wizard', 'details')}" data-goto="details">${esc(t('back'))}</a>
    </div>`;
}

async function sendBooking(button) {
  button.disabled = true;
  announce(t('sending'));
  const f = state.form;
  try {
    state.result = await api.book(state.hold.id, {
      name: f.name, surname: f.surname, contact: f.contact, details: f.details || null, accept_terms: f.accept,
    });
    // The hold is now a pending booking: no more countdown, the deadline is the confirmation's.
    state.hold = null;
    stopCountdown();
    await go('done');
  } catch (error) {
    await onBookingError(error);
  }
}

async function onBookingError(error) {
  if (error.code === 'hold_expired' || error.status === 404 || error.status === 410) {
    state.hold = null;
    stopCountdown();
    state.notice = { kind: 'warning', text: error.message };
    await go('slot');
  } else if (error.field && FIELDS.some((f) => f.api === error.field)) {
    state.errors = { [error.field]: error.message };
    await go('details');
  } else {
    state.notice = { kind: 'warning', text: error.message };
    await renderWizard('summary', false);
  }
}

// ---------------------------------------------------------------------------------------------
// 5 Conferma
// ---------------------------------------------------------------------------------------------

function renderDone() {
  const r = state.result;
  const email = r.channel === 'email';
  content.innerHTML = `
    ${stepHeading('done')}
    <div class="alert alert-success" role="status">
      <p class="h4">${esc(email ? t('done_email') : t('done_sms'))}</p>
      <p>${esc(email ? t('done_text_email', r.masked_contact) : t('done_text_sms', r.masked_contact))}</p>
      <p class="mb-0"><strong>${esc(t('done_deadline', formatInstant(r.confirm_by)))}</strong></p>
    </div>
    <p>${esc(t('done_note'))}</p>
    <div class="step-actions">
      <a class="btn btn-primary" href="${urlFor('wizard', 'service')}" data-action="again">${esc(t('done_again'))}</a>
    </div>
    ${feedbackMarkup()}`;
  bindFeedback(content);
}

// ---------------------------------------------------------------------------------------------
// Le mie prenotazioni
// ---------------------------------------------------------------------------------------------

function showMyBookings(focus) {
  showView('my');
  stopCountdown();
  document.title = `${t('my_title')} – ${t('title_suffix')}`;
  document.getElementById('my-crumbs').innerHTML = crumbsMarkup(t('my_title'), false);
  renderMyForm({});
  if (focus) views.my.querySelector('h1').focus();
}

function renderMyForm(errors, contact = '') {
  const box = document.getElementById('my-content');
  const summary = Object.keys(errors).length
    ? `<div class="alert alert-danger" role="alert" id="my-errors" tabindex="-1"><p class="mb-2"><strong>${esc(t('errors_title'))}</strong></p><ul class="mb-0">${Object.entries(errors).map(([k, v]) => `<li><a href="#${k === 'accept_terms' ? 'my-accept' : 'my-contact'}">${esc(v)}</a></li>`).join('')}</ul></div>`
    : '';
  box.innerHTML = `
    ${summary}
    <p class="lead">${esc(t('my_lead'))}</p>
    <form id="my-form" novalidate>
      <div class="form-group">
        <label for="my-contact" class="active">${esc(t('contact'))}</label>
        <input type="text" inputmode="email" class="form-control ${errors.contact ? 'is-invalid' : ''}" id="my-contact" name="contact" value="${esc(contact)}" placeholder="${esc(t('contact_placeholder'))}" autocomplete="email" required aria-required="true" ${errors.contact ? 'aria-invalid="true" aria-describedby="my-contact-error"' : ''}>
        ${errors.contact ? `<div class="invalid-feedback d-block" id="my-contact-error">${esc(errors.contact)}</div>` : ''}
      </div>
      <div class="form-check">
        <input class="form-check-input ${errors.accept_terms ? 'is-invalid' : ''}" type="checkbox" id="my-accept" name="accept" required aria-required="true" ${errors.accept_terms ? 'aria-invalid="true"' : ''} aria-describedby="my-accept-links${errors.accept_terms ? ' my-accept-error' : ''}">
        <label class="form-check-label" for="my-accept">${esc(t('accept'))}</label>
        <p class="small mt-1" id="my-accept-links">${t('accept_links')}</p>
        ${errors.accept_terms ? `<div class="invalid-feedback d-block" id="my-accept-error">${esc(errors.accept_terms)}</div>` : ''}
      </div>
      <div class="step-actions">
        <button type="submit" class="btn btn-primary">${esc(t('my_send'))}</button>
        <a class="btn btn-outline-secondary" href="/" data-home>${esc(t('back'))}</a>
      </div>
    </form>`;
}

async function submitMyBookings(form) {
  const contact = form.elements.contact.value.trim();
  const errors = {};
  if (!contact) errors.contact = t('err_contact');
  if (!form.elements.accept.checked) errors.accept_terms = t('err_accept');
  if (!Object.keys(errors).length) {
    try {
      await api.myBookings(contact);
      return showMyDone();
    } catch (error) {
      errors[error.field === 'accept_terms' ? 'accept_terms' : 'contact'] = error.message;
    }
  }
  renderMyForm(errors, contact);
  document.getElementById('my-errors').focus();
}

/** The same answer whatever the contact: the screen never tells whether it has bookings. */
function showMyDone() {
  document.getElementById('my-content').innerHTML = `
    <div class="alert alert-success" role="status" id="my-done" tabindex="-1">
      <p class="h4">${esc(t('my_done_title'))}</p>
      <p class="mb-0">${esc(t('my_done'))}</p>
    </div>
    <a class="btn btn-primary" href="/" data-home>${esc(t('my_again'))}</a>`;
  document.getElementById('my-done').focus();
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

function onClick(event) {
  const link = event.target.closest('a[data-goto], a[data-home], a[data-view], [data-action]');
  if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const action = link.dataset.action;
  if (link.matches('select')) return;
  event.preventDefault();
  if (link.dataset.goto) return go(link.dataset.goto);
  if (link.hasAttribute('data-home')) return navigateTo('home');
  if (link.dataset.view) return navigateTo(link.dataset.view);
  const handlers = {
    service: () => chooseService(link.dataset.id),
    office: () => chooseOffice(link.dataset.id, null),
    geolocate,
    day: () => changeDay(link.dataset.day),
    slot: () => holdSlot(state.date, link.dataset.start, link.dataset.end),
    'next-slot': () => holdSlot(link.dataset.date, link.dataset.start, link.dataset.end),
    send: () => sendBooking(link),
    again: () => { state = { ...emptyState(), position: state.position }; return go('service'); },
    retry: () => route({ focus: true }),
  };
  return handlers[action]?.();
}

function navigateTo(view) {
  if (view === 'wizard') return go('service');
  history.pushState({ view }, '', urlFor(view));
  return view === 'my' ? showMyBookings(true) : showHome(true);
}

function onInput(event) {
  if (event.target.id === 'service-search') onSearchInput(event.target);
  if (event.target.id === 'f-details') {
    document.getElementById('f-details-count').textContent = t('notes_left', DETAILS_MAX - event.target.value.length);
  }
  if (event.target.form?.id === 'details-form') {
    // Keep what is typed across a reload of the step.
    readDetailsForm(event.target.form);
    persist();
  }
}

function onChange(event) {
  if (event.target.id === 'day-select') changeDay(event.target.value);
}

function onSubmit(event) {
  const form = event.target;
  if (form.id === 'details-form') { event.preventDefault(); submitDetails(form); }
  if (form.id === 'my-form') { event.preventDefault(); submitMyBookings(form); }
  if (form.dataset.form === 'search') { event.preventDefault(); showServices(form.querySelector('input').value.trim()); }
}

function start() {
  initChrome();
  document.addEventListener('click', onClick);
  document.addEventListener('input', onInput);
  document.addEventListener('change', onChange);
  document.addEventListener('submit', onSubmit);
  window.addEventListener('popstate', () => route({ focus: true }));
  // A language switch re-renders the current view with the texts and API answers of that language.
  document.addEventListener('prenota:lang', () => route({ focus: false }));
  route();
}

start();
