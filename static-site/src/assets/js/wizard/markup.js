// The pieces every step of the wizard shares: addresses, the stepper, the breadcrumb, the
// choices made so far with their MODIFICA links, the step's heading and notices.
import { esc } from '../html.js';
import { formatDate, formatRange, t } from '../i18n.js';
import { state } from './session.js';

// The stepper shows five steps: the summary is part of "Inserisci dati".
export const STEPPER_INDEX = { service: 0, office: 1, slot: 2, details: 3, summary: 3, done: 4 };
export const STEP_TITLES = { service: 'search_title', office: 'office_title', slot: 'slot_title', details: 'details_title', summary: 'summary_title', done: 'done_title' };

export function urlFor(view, step) {
  if (view === 'wizard') return `/?step=${step}`;
  if (view === 'my') return '/?view=my-bookings';
  return '/';
}

export function stepperMarkup(step) {
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

export function modifyLink(step, label) {
  return `<a class="btn btn-outline-primary btn-xs modify-link" href="${urlFor('wizard', step)}" data-goto="${step}" aria-label="${esc(label)}">${esc(t('modify'))}</a>`;
}

export function chosenServiceMarkup() {
  return `
    <div class="chosen">
      <p class="mb-0"><span class="chosen-label">${esc(t('chosen_service'))}</span> <strong>${esc(state.service.name)}</strong></p>
      ${modifyLink('service', t('modify_service'))}
    </div>`;
}

export function chosenOfficeMarkup({ withDay = true } = {}) {
  const day = withDay && state.date ? `<br>${esc(t('slot_on', formatDate(state.date)))}` : '';
  return `
    <div class="chosen">
      <p class="mb-0"><span class="chosen-label">${esc(t('chosen_office'))}</span> <strong class="text-uppercase">${esc(state.office.name)}</strong><br>${esc(state.office.address)}${day}</p>
      ${modifyLink('office', t('modify_office'))}
    </div>`;
}

/** The seat of each person once held: the hold's seats, else (one person) the chosen slot. */
export function heldSeats() {
  return state.seats?.length ? state.seats : [{ start: state.slot.start, end: state.slot.end }];
}

/** The day and the time held; for a household, each person's time. */
export function chosenSlotMarkup() {
  const seats = heldSeats();
  const day = `<span class="chosen-label">${esc(t('chosen_slot'))}</span> <strong>${esc(formatDate(state.slot.date))}</strong>`;
  const what = seats.length === 1
    ? `<p class="mb-0">${day}<br>${esc(t('chosen_time', formatRange(seats[0].start, seats[0].end)))}</p>`
    : `<div><p class="mb-0">${day}</p>
        <ul class="chosen-seats">${seats.map((seat, i) => `<li>${esc(t('person_n', i + 1))}: ${esc(t('chosen_time', formatRange(seat.start, seat.end)))}</li>`).join('')}</ul></div>`;
  return `
    <div class="chosen">
      ${what}
      ${modifyLink('slot', t('modify_slot'))}
    </div>`;
}

/**
 * "Home / Prenotazione appuntamento / <the step>" (Designers Italia's data-element="breadcrumb").
 * The middle item starts the wizard again, as MODIFICA on the service does.
 */
export function crumbsMarkup(current, middle = true) {
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

export function noticeMarkup() {
  if (!state.notice) return '';
  const { kind, text, extra = '' } = state.notice;
  return `<div class="alert alert-${kind === 'success' ? 'success' : 'warning'}" role="alert" id="step-notice" tabindex="-1"><p class="mb-0">${esc(text)}</p>${extra}</div>`;
}

export function stepHeading(step) {
  return `<h2 class="h3 step-heading" id="step-heading" tabindex="-1">${esc(t(STEP_TITLES[step]))}</h2>`;
}

export function setTitle(step) {
  const index = STEPPER_INDEX[step];
  const name = step === 'summary' ? t('summary_title') : t('step_names')[index];
  document.title = `${t('step_of', index + 1, 5)}: ${name} – ${t('title_suffix')}`;
}

export function errorBlock(error) {
  return `<div class="alert alert-danger" role="alert"><p class="mb-2">${esc(error.message)}</p><button type="button" class="btn btn-outline-primary btn-sm" data-action="retry">${esc(t('retry'))}</button></div>`;
}
