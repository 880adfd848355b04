// The citizen's booking wizard: home, the five steps of the seed (Cerca servizio, Scegli sede,
// Scegli orario, Inserisci dati + Riepilogo, Conferma) and "Le mie prenotazioni".
// Each step has its own address (/?step=…) pushed on the history, so the browser's back button
// moves between steps; the state is in sessionStorage, so a reload keeps the step.
// This module routes and listens; each step is a module of wizard/ (service, office, slot with
// people, hold and the waiting list, details, summary with the last step; offer: a seat offered
// from the waiting list, /#offerta=…), "Le mie prenotazioni" is my-bookings.js.
import { api } from './api.js';
import { initChrome } from './chrome.js';
import { startCountdown, stopCountdown } from './countdown.js';
import { currentLang, t } from './i18n.js';
import { showMyBookings, submitMyBookings } from './my-bookings.js';
import { DETAILS_MAX, readDetailsForm, renderDetails, submitDetails } from './wizard/details.js';
import { holdSlot, onHoldExpired, releaseHold } from './wizard/hold.js';
import { STEP_TITLES, crumbsMarkup, setTitle, stepperMarkup, urlFor } from './wizard/markup.js';
import { setRouter } from './wizard/nav.js';
import { offerInAddress, openOffer } from './wizard/offer.js';
import { chooseOffice, geolocate, renderOffice } from './wizard/office.js';
import { chooseService, onSearchInput, renderService, showServices } from './wizard/service.js';
import { content, persist, resetState, showView, state, views } from './wizard/session.js';
import { changeDay, changePeople, renderSlot } from './wizard/slot.js';
import { renderDone, renderSummary, sendBooking } from './wizard/summary.js';
import { readWaitingForm, submitWaiting, toggleWaiting, waitingAgain } from './wizard/waiting.js';

const STEPS = ['service', 'office', 'slot', 'details', 'summary', 'done'];
const RENDERERS = { service: renderService, office: renderOffice, slot: renderSlot, details: renderDetails, summary: renderSummary, done: renderDone };

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

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
  if (step !== 'done' && state.result) resetState();
  const target = allowedStep(step);
  if (['service', 'office', 'slot'].includes(target) && state.hold) await releaseHold();
  persist();
  if (push) history.pushState({ view: 'wizard', step: target }, '', urlFor('wizard', target));
  else history.replaceState({ view: 'wizard', step: target }, '', urlFor('wizard', target));
  await renderWizard(target, focus, offices);
}

function showHome(focus) {
  showView('home');
  stopCountdown();
  document.title = `${t('home_title')} – ${t('title_suffix')}`;
  if (focus) views.home.querySelector('h1').focus();
}

async function route({ focus = false } = {}) {
  const params = new URLSearchParams(location.search);
  const offer = offerInAddress();
  if (offer) return openOffer(offer, { focus });
  if (params.has('service')) return openDeepLink(params.get('service'), params.get('office'));
  if (params.get('view') === 'my-bookings') return showMyBookings(focus);
  if (params.has('step')) return go(params.get('step'), { push: false, focus });
  return showHome(focus);
}

/** /?service=ID opens "Scegli sede" with the service chosen; &office=ID opens "Scegli orario". */
async function openDeepLink(serviceId, officeId) {
  if (state.hold) await releaseHold();
  resetState();
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

async function renderWizard(step, focus, offices = null) {
  showView('wizard');
  setTitle(step);
  document.getElementById('wizard-crumbs').innerHTML = crumbsMarkup(t(STEP_TITLES[step]));
  document.getElementById('stepper').innerHTML = stepperMarkup(step);
  if (state.hold) startCountdown(state.hold.expires_at, onHoldExpired);
  else stopCountdown();
  content.setAttribute('aria-busy', 'true');
  await refreshServiceName();
  await RENDERERS[step](step === 'office' ? offices : undefined);
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
    'office-waiting': () => chooseOffice(link.dataset.id, null, { waiting: true }),
    geolocate,
    day: () => changeDay(link.dataset.day),
    'person-add': () => changePeople(),
    'person-remove': () => changePeople(Number(link.dataset.index)),
    slot: () => holdSlot(state.date, link.dataset.start, link.dataset.end),
    'next-slot': () => holdSlot(link.dataset.date, link.dataset.start, link.dataset.end),
    'waiting-toggle': toggleWaiting,
    'waiting-again': waitingAgain,
    'focus-field': () => document.getElementById(link.dataset.target)?.focus(),
    send: () => sendBooking(link),
    again: () => { resetState(); return go('service'); },
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
  if (event.target.form?.id === 'waiting-form') {
    readWaitingForm(event.target.form);
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
  if (form.id === 'waiting-form') { event.preventDefault(); submitWaiting(form); }
  if (form.dataset.form === 'search') { event.preventDefault(); showServices(form.querySelector('input').value.trim()); }
}

function start() {
  setRouter({ go, renderWizard, route });
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
