// Step 4, "Inserisci dati": the name and surname of each person ("Persona 1", "Persona 2"…, each
// a fieldset with the time held for them), one contact for all, the notes and the terms. Our own
// checks catch empty fields at once; the API judges the rest at INVIA (see summary.js).
import { esc } from '../html.js';
import { formatRange, t } from '../i18n.js';
import { chosenOfficeMarkup, chosenServiceMarkup, chosenSlotMarkup, heldSeats, noticeMarkup, stepHeading, urlFor } from './markup.js';
import { go } from './nav.js';
import { content, persist, state } from './session.js';

export const DETAILS_MAX = 200;

/**
 * The form's fields in order, each with the API's name for it and its input's id. One person's
 * names are the API's top-level `name` and `surname` (ids f-name, f-surname); a household's are
 * `people[i].name` and `people[i].surname` (ids f-name-1, f-surname-1…).
 */
export function detailFields() {
  const count = state.form.people.length;
  const names = state.form.people.flatMap((_, i) => (count === 1
    ? [{ api: 'name', id: 'f-name', person: 0, part: 'name' }, { api: 'surname', id: 'f-surname', person: 0, part: 'surname' }]
    : ['name', 'surname'].map((part) => ({ api: `people[${i}].${part}`, id: `f-${part}-${i + 1}`, person: i, part }))));
  return [...names, { api: 'contact', id: 'f-contact' }, { api: 'details', id: 'f-details' }, { api: 'accept_terms', id: 'f-accept' }];
}

/** The form's name for a field the API names, or null when the form has no such field. */
export function formField(apiField) {
  if (!apiField) return null;
  const single = /^people\[0\]\.(name|surname)$/.exec(apiField);
  const field = single && state.form.people.length === 1 ? single[1] : apiField;
  return detailFields().some((f) => f.api === field) ? field : null;
}

function errorSummaryMarkup() {
  const entries = detailFields().filter((f) => state.errors[f.api]);
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

function textField({ api, id, name, value, label, autocomplete }) {
  const invalid = state.errors[api] ? 'is-invalid' : '';
  return `
    <div class="form-group">
      <label for="${id}" class="active">${esc(label)}</label>
      <input type="text" class="form-control ${invalid}" id="${id}" name="${name}" value="${esc(value)}" autocomplete="${autocomplete}" maxlength="60" required aria-required="true" ${invalid ? 'aria-invalid="true"' : ''} ${describedBy(api, id)}>
      ${fieldError(api, id)}
    </div>`;
}

/** Nome and Cognome of person `i`: the first person's are the citizen's own (autofill), the others' not. */
function nameFields(i) {
  const person = state.form.people[i];
  const [name, surname] = detailFields().filter((f) => f.person === i);
  const own = i === 0;
  return `
    <div class="row">
      <div class="col-md-6">${textField({ ...name, name: name.id.slice(2), value: person.name, label: t('name'), autocomplete: own ? 'given-name' : 'off' })}</div>
      <div class="col-md-6">${textField({ ...surname, name: surname.id.slice(2), value: person.surname, label: t('surname'), autocomplete: own ? 'family-name' : 'off' })}</div>
    </div>`;
}

function peopleFieldsMarkup() {
  const count = state.form.people.length;
  if (count === 1) return nameFields(0);
  const seats = heldSeats();
  return state.form.people.map((_, i) => {
    const seat = seats[i] ?? seats.at(-1);
    return `
      <fieldset class="person">
        <legend class="person-legend">${esc(t('person_legend', i + 1, formatRange(seat.start, seat.end)))}</legend>
        ${nameFields(i)}
      </fieldset>`;
  }).join('');
}

export function renderDetails() {
  const f = state.form;
  const left = DETAILS_MAX - f.details.length;
  const household = f.people.length > 1;
  content.innerHTML = `
    ${chosenServiceMarkup()}
    ${chosenOfficeMarkup({ withDay: false })}
    ${chosenSlotMarkup()}
    ${errorSummaryMarkup() || noticeMarkup()}
    ${stepHeading('details')}
    <p class="lead">${esc(t(household ? 'details_lead_people' : 'details_lead'))}</p>
    <p class="small">${esc(t('required_note'))}</p>
    <form id="details-form" class="${household ? 'household' : ''}" novalidate>
      ${peopleFieldsMarkup()}
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

export function readDetailsForm(form) {
  const value = (id) => form.querySelector(`#${id}`)?.value ?? '';
  const fields = detailFields();
  state.form = {
    people: state.form.people.map((_, i) => {
      const [name, surname] = fields.filter((f) => f.person === i);
      return { name: value(name.id).trim(), surname: value(surname.id).trim() };
    }),
    contact: value('f-contact').trim(),
    details: value('f-details'),
    accept: form.querySelector('#f-accept').checked,
  };
}

function validateDetails() {
  const errors = {};
  const count = state.form.people.length;
  for (const f of detailFields().filter((field) => field.part)) {
    if (state.form.people[f.person][f.part]) continue;
    const key = f.part === 'name' ? 'err_name' : 'err_surname';
    errors[f.api] = count === 1 ? t(key) : t(`${key}_n`, f.person + 1);
  }
  if (!state.form.contact) errors.contact = t('err_contact');
  if (state.form.details.length > DETAILS_MAX) errors.details = t('err_notes');
  if (!state.form.accept) errors.accept_terms = t('err_accept');
  return errors;
}

export async function submitDetails(form) {
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
