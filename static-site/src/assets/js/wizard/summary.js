// "Riepilogo" (MODIFICA, INDIETRO, INVIA) and step 5, "Conferma": what was chosen and typed, each
// person with their time; INVIA turns the hold into pending bookings and one message with one
// confirmation link for all of them.
import { api } from '../api.js';
import { stopCountdown } from '../countdown.js';
import { bindFeedback, feedbackMarkup } from '../feedback.js';
import { esc } from '../html.js';
import { formatDate, formatInstant, formatRange, t } from '../i18n.js';
import { formField } from './details.js';
import { heldSeats, modifyLink, noticeMarkup, stepHeading, urlFor } from './markup.js';
import { go, renderStep } from './nav.js';
import { announce, content, state } from './session.js';

function row(label, value, step, modifyLabel) {
  return `
    <div class="summary-row">
      <dt>${esc(label)}</dt>
      <dd>${value}</dd>
      <dd class="summary-modify">${modifyLink(step, modifyLabel)}</dd>
    </div>`;
}

function peopleRows() {
  const { people } = state.form;
  const seats = heldSeats();
  if (people.length === 1) {
    return `
      ${row(t('s_time'), esc(formatRange(seats[0].start, seats[0].end)), 'slot', t('modify_slot'))}
      ${row(t('s_person'), `${esc(people[0].name)} ${esc(people[0].surname)}`, 'details', t('modify_data'))}`;
  }
  return people.map((person, i) => {
    const seat = seats[i] ?? seats.at(-1);
    const value = `${esc(person.name)} ${esc(person.surname)}<br>${esc(t('chosen_time', formatRange(seat.start, seat.end)))}`;
    return row(t('person_n', i + 1), value, 'details', t('modify_person', i + 1));
  }).join('');
}

export function renderSummary() {
  const f = state.form;
  content.innerHTML = `
    ${noticeMarkup()}
    ${stepHeading('summary')}
    <p class="lead">${esc(t('summary_lead'))}</p>
    <dl class="summary-list">
      ${row(t('s_service'), esc(state.service.name), 'service', t('modify_service'))}
      ${row(t('s_office'), `${esc(state.office.name)}<br>${esc(state.office.address)}`, 'office', t('modify_office'))}
      ${row(t('s_date'), esc(formatDate(state.slot.date)), 'slot', t('modify_slot'))}
      ${peopleRows()}
      ${row(t('s_contact'), esc(f.contact), 'details', t('modify_data'))}
      ${f.details ? row(t('s_notes'), esc(f.details), 'details', t('modify_data')) : ''}
    </dl>
    <div class="step-actions">
      <button type="button" class="btn btn-primary" data-action="send"><svg class="icon icon-sm icon-white" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-mail"></use></svg> ${esc(t('send'))}</button>
      <a class="btn btn-outline-secondary" href="${urlFor('wizard', 'details')}" data-goto="details">${esc(t('back'))}</a>
    </div>`;
}

/** The booking's body: one person by the top-level names, a household by `people`, in seat order. */
function bookingBody() {
  const f = state.form;
  const names = f.people.length === 1
    ? { name: f.people[0].name, surname: f.people[0].surname }
    : { people: f.people.map(({ name, surname }) => ({ name, surname })) };
  return { ...names, contact: f.contact, details: f.details || null, accept_terms: f.accept };
}

export async function sendBooking(button) {
  button.disabled = true;
  announce(t('sending'));
  try {
    const answer = await api.book(state.hold.id, bookingBody());
    state.result = { ...answer, people: answer.people ?? state.form.people.length };
    // The hold is now pending bookings: no more countdown, the deadline is the confirmation's.
    state.hold = null;
    stopCountdown();
    await go('done');
  } catch (error) {
    await onBookingError(error);
  }
}

async function onBookingError(error) {
  const field = formField(error.field);
  if (error.code === 'hold_expired' || error.status === 404 || error.status === 410) {
    state.hold = null;
    state.seats = null;
    stopCountdown();
    state.notice = { kind: 'warning', text: error.message };
    await go('slot');
  } else if (field) {
    state.errors = { [field]: error.message };
    await go('details');
  } else {
    state.notice = { kind: 'warning', text: error.message };
    await renderStep('summary');
  }
}

export function renderDone() {
  const r = state.result;
  const email = r.channel === 'email';
  const people = Number(r.people) || 1;
  const sent = people > 1
    ? t(email ? 'done_text_email_people' : 'done_text_sms_people', r.masked_contact, people)
    : t(email ? 'done_text_email' : 'done_text_sms', r.masked_contact);
  content.innerHTML = `
    ${stepHeading('done')}
    <div class="alert alert-success" role="status">
      <p class="h4">${esc(email ? t('done_email') : t('done_sms'))}</p>
      ${people > 1 ? `<p><strong>${esc(t('done_people', people))}</strong></p>` : ''}
      <p>${esc(sent)}</p>
      <p class="mb-0"><strong>${esc(t('done_deadline', formatInstant(r.confirm_by)))}</strong></p>
    </div>
    <p>${esc(t('done_note'))}</p>
    <div class="step-actions">
      <a class="btn btn-primary" href="${urlFor('wizard', 'service')}" data-action="again">${esc(t('done_again'))}</a>
    </div>
    ${feedbackMarkup()}`;
  bindFeedback(content);
}
