// The markup of "Avvisami se si libera un posto" on "Scegli orario" (its behaviour is in
// waiting.js): a section with a button that shows or hides the form below it (aria-expanded), the
// form — the offices as checkboxes, "Dal"/"Al", the contact and the terms, as on "Inserisci dati" —
// and, once sent, the server's answer. Errors are keyed by the API's field names, as the details
// step keys them: each shown beside its field and listed, linked, at the top of the form.
import { esc } from '../html.js';
import { t } from '../i18n.js';
import { state } from './session.js';

/** The API's fields of the form, in order, each with the id of the input an error links to. */
export const WAITING_FIELDS = [
  { api: 'office_ids', id: 'w-office-1' },
  { api: 'from', id: 'w-from' },
  { api: 'to', id: 'w-to' },
  { api: 'contact', id: 'w-contact' },
  { api: 'accept_terms', id: 'w-accept' },
];

export const MAX_WAITING_DAYS = 60;

function error(api, id) {
  const message = state.waiting.errors[api];
  return message ? `<div class="invalid-feedback d-block" id="${id}-error">${esc(message)}</div>` : '';
}

/** aria-invalid and aria-describedby of an input: its hint (if any) and its error. */
function described(api, id, hint = '') {
  const invalid = Boolean(state.waiting.errors[api]);
  const ids = [hint, invalid ? `${id}-error` : ''].filter(Boolean).join(' ');
  return `${invalid ? 'aria-invalid="true"' : ''} ${ids ? `aria-describedby="${ids}"` : ''}`;
}

function summaryMarkup() {
  const { errors } = state.waiting;
  const items = WAITING_FIELDS.filter((f) => errors[f.api])
    .map((f) => `<li><a href="#${f.id}" data-action="focus-field" data-target="${f.id}">${esc(errors[f.api])}</a></li>`);
  if (errors.form) items.push(`<li>${esc(errors.form)}</li>`);
  if (!items.length) return '';
  return `<div class="alert alert-danger" role="alert" id="waiting-errors" tabindex="-1"><p class="mb-2"><strong>${esc(t('errors_title'))}</strong></p><ul class="mb-0">${items.join('')}</ul></div>`;
}

function officesMarkup(offices) {
  const w = state.waiting;
  const invalid = w.errors.office_ids ? 'is-invalid' : '';
  const boxes = offices.map((office, i) => `
      <div class="form-check">
        <input class="form-check-input ${invalid}" type="checkbox" id="w-office-${i + 1}" name="office" value="${esc(office.id)}" ${w.offices.includes(office.id) ? 'checked' : ''} ${described('office_ids', 'w-offices')}>
        <label class="form-check-label" for="w-office-${i + 1}">${esc(office.name)} <span class="waiting-address">${esc(office.address)}</span></label>
      </div>`).join('');
  return `
    <fieldset class="waiting-fieldset">
      <legend class="waiting-legend">${esc(t('waiting_offices'))}</legend>
      ${boxes}
      ${error('office_ids', 'w-offices')}
    </fieldset>`;
}

function dateField(api, label, value, min, max) {
  const id = `w-${api}`;
  return `
      <div class="col-12 col-sm-6">
        <div class="form-group">
          <label for="${id}" class="active">${esc(label)}</label>
          <input type="date" class="form-control ${state.waiting.errors[api] ? 'is-invalid' : ''}" id="${id}" name="${api}" value="${esc(value)}" min="${esc(min)}" ${max ? `max="${esc(max)}"` : ''} required aria-required="true" ${described(api, id, 'w-days-hint')}>
          ${error(api, id)}
        </div>
      </div>`;
}

function daysMarkup() {
  const w = state.waiting;
  return `
    <fieldset class="waiting-fieldset">
      <legend class="waiting-legend">${esc(t('waiting_days'))}</legend>
      <p class="small mb-0" id="w-days-hint">${esc(t('waiting_days_hint', MAX_WAITING_DAYS))}</p>
      <div class="row waiting-days">
        ${dateField('from', t('waiting_from'), w.from, w.today, w.last)}
        ${dateField('to', t('waiting_to'), w.to, w.today, w.last)}
      </div>
    </fieldset>`;
}

function formMarkup(offices) {
  const w = state.waiting;
  return `
    ${summaryMarkup()}
    <form id="waiting-form" class="waiting-form" novalidate>
      <p class="small">${esc(t('waiting_required'))}</p>
      ${officesMarkup(offices)}
      ${daysMarkup()}
      <div class="form-group waiting-contact">
        <label for="w-contact" class="active">${esc(t('contact'))}</label>
        <input type="text" inputmode="email" class="form-control ${w.errors.contact ? 'is-invalid' : ''}" id="w-contact" name="contact" value="${esc(w.contact)}" placeholder="${esc(t('contact_placeholder'))}" autocomplete="email" maxlength="254" required aria-required="true" ${described('contact', 'w-contact', 'w-contact-hint')}>
        <small id="w-contact-hint" class="form-text">${esc(t('contact_hint'))}</small>
        ${error('contact', 'w-contact')}
      </div>
      <div class="form-check">
        <input class="form-check-input ${w.errors.accept_terms ? 'is-invalid' : ''}" type="checkbox" id="w-accept" name="accept" ${w.accept ? 'checked' : ''} required aria-required="true" ${described('accept_terms', 'w-accept', 'w-accept-links')}>
        <label class="form-check-label" for="w-accept">${esc(t('accept'))}</label>
        <p class="small mt-1" id="w-accept-links">${t('accept_links')}</p>
        ${error('accept_terms', 'w-accept')}
      </div>
      <button type="submit" class="btn btn-primary mt-2">${esc(t('waiting_submit'))}</button>
    </form>`;
}

function sentMarkup() {
  return `
    <div class="alert alert-success" role="status" id="waiting-sent" tabindex="-1">
      <p class="h5">${esc(t('waiting_sent_title'))}</p>
      <p>${esc(state.waiting.sent)}</p>
      <p class="mb-0"><strong>${esc(t('waiting_sent_confirm'))}</strong></p>
    </div>
    <button type="button" class="btn btn-outline-primary btn-sm" data-action="waiting-again">${esc(t('waiting_again'))}</button>`;
}

/** What the panel holds once open: the form, or the answer to it. */
export function panelMarkup(offices) {
  return state.waiting.sent ? sentMarkup() : formMarkup(offices);
}

/** The whole section; `none`: the office has no free time at all (else: under the times). */
export function sectionMarkup(none, offices) {
  const w = state.waiting;
  const icon = '<svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-clock"></use></svg>';
  return `
    <section class="waiting-box" id="waiting-box" aria-labelledby="waiting-title">
      <h3 class="h5" id="waiting-title">${esc(t(none ? 'waiting_heading_none' : 'waiting_heading'))}</h3>
      <p>${esc(t('waiting_lead'))}</p>
      ${state.people > 1 ? `<p>${esc(t('waiting_one_person'))}</p>` : ''}
      <button type="button" class="btn btn-outline-primary" id="waiting-toggle" data-action="waiting-toggle" aria-expanded="${w.open ? 'true' : 'false'}" aria-controls="waiting-panel">${icon} ${esc(t('waiting_open'))}</button>
      <div class="waiting-panel" id="waiting-panel" ${w.open ? '' : 'hidden'}>${w.open ? panelMarkup(offices) : ''}</div>
    </section>`;
}
