// "Avvisami se si libera un posto" on "Scegli orario": under the times ("Nessun orario adatto?")
// or in their place when the office has none. The button shows the form in the page (the
// disclosure pattern: aria-expanded, the focus moved into the form); the form asks the offices
// that offer the service (the chosen one checked), the days, the contact and the terms, and
// POST /api/waiting-list answers 202 with a message that is the same whoever asks: the place
// counts only once confirmed from the link sent to the contact. Its markup is waiting-form.js.
import { api, serverNow } from '../api.js';
import { currentLang, t } from '../i18n.js';
import { WAITING_FIELDS, sectionMarkup } from './waiting-form.js';
import { announce, persist, state } from './session.js';

const DEFAULT_DAYS = 14;
let offices = null; // {key: service/lang, list}: the offices of the service, asked once

/** Today's date in Bergamo, by the server's clock: "2026-12-05". */
function todayInRome() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' }).format(serverNow());
}

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A new request for the chosen service and office: that office checked, from today for 14 days. */
function fresh(officeId, open = false) {
  const today = todayInRome();
  const key = `${state.service.id}/${officeId}`;
  return { key, open, offices: [officeId], from: today, to: addDays(today, DEFAULT_DAYS), today, last: null, contact: state.form?.contact ?? '', accept: false, errors: {}, sent: null };
}

/**
 * The section's state for the service and office shown, made afresh when they changed. `days`:
 * the office's days with a free time, the last of which bounds the days asked for (the booking
 * window, as far as the page knows it; the server judges it anyway).
 */
function current(days) {
  const key = `${state.service.id}/${state.office.id}`;
  const made = state.waiting?.key !== key;
  if (made) state.waiting = fresh(state.office.id);
  const w = state.waiting;
  w.today = todayInRome();
  w.last = days?.length ? days.at(-1) : w.last ?? null;
  if (w.from && w.from < w.today) w.from = w.today;
  if (made && w.last && w.to > w.last) w.to = w.last > w.from ? w.last : w.from;
  return w;
}

/** The service's offices (the chosen one alone when they cannot be asked). */
async function serviceOffices() {
  const key = `${state.service.id}/${currentLang()}`;
  if (offices?.key !== key) {
    const list = await api.offices(state.service.id).then((data) => data.offices).catch(() => null);
    if (!list) return [state.office];
    offices = { key, list };
  }
  // The chosen office first: the focus goes to it when the form opens.
  return [state.office, ...offices.list.filter((o) => o.id !== state.office.id)];
}

/** The section for "Scegli orario" (renderSlot); `none`: the office has no free time at all. */
export async function waitingSection(none, days) {
  const w = current(days);
  w.none = none;
  return sectionMarkup(none, w.open ? await serviceOffices() : []);
}

/** Draws the section again in place, then moves the focus to the element with this id. */
async function redraw(focusId) {
  const box = document.getElementById('waiting-box');
  if (!box) return;
  const w = state.waiting;
  box.outerHTML = sectionMarkup(w.none, w.open && !w.sent ? await serviceOffices() : []);
  persist();
  document.getElementById(focusId)?.focus();
}

/** "Avvisami se si libera un posto": opens the form (the focus on its first field) or closes it. */
export function toggleWaiting() {
  const w = state.waiting;
  w.open = !w.open;
  return redraw(!w.open ? 'waiting-toggle' : w.sent ? 'waiting-sent' : 'w-office-1');
}

/** "Fai un'altra richiesta": the form again, with what was typed. */
export function waitingAgain() {
  state.waiting.sent = null;
  return redraw('w-office-1');
}

/** From "Scegli sede", an office with no free time: "Scegli orario" opens with the form open. */
export function openWaitingAt(officeId) {
  state.waiting = fresh(officeId, true);
}

/** Keeps what is typed (a reload, a language switch or another day keeps it). */
export function readWaitingForm(form) {
  const w = state.waiting;
  if (!w) return;
  const value = (id) => form.querySelector(`#${id}`)?.value ?? '';
  w.offices = [...form.querySelectorAll('input[name="office"]:checked')].map((input) => input.value);
  w.from = value('w-from');
  w.to = value('w-to');
  w.contact = value('w-contact').trim();
  w.accept = form.querySelector('#w-accept').checked;
}

function validate(w) {
  const errors = {};
  if (!w.offices.length) errors.office_ids = t('err_w_offices');
  if (!w.from) errors.from = t('err_w_from');
  if (!w.to) errors.to = t('err_w_to');
  else if (w.from && w.to < w.from) errors.to = t('err_w_order');
  if (!w.contact) errors.contact = t('err_contact');
  if (!w.accept) errors.accept_terms = t('err_accept');
  return errors;
}

/** The form's field for a problem's `field` ("office_ids[1]" is the offices), else null. */
function formField(field) {
  const name = String(field ?? '').replace(/\[\d+\]$/, '');
  return WAITING_FIELDS.some((f) => f.api === name) ? name : null;
}

export async function submitWaiting(form) {
  readWaitingForm(form);
  const w = state.waiting;
  w.errors = validate(w);
  if (Object.keys(w.errors).length) return redraw('waiting-errors');
  form.querySelector('[type="submit"]').disabled = true;
  const box = document.getElementById('waiting-box');
  box.setAttribute('aria-busy', 'true');
  announce(t('waiting_sending'));
  try {
    const answer = await api.joinWaitingList({
      service_id: state.service.id, office_ids: w.offices, from: w.from, to: w.to, contact: w.contact, accept_terms: w.accept,
    });
    w.sent = answer?.message || t('waiting_sent_title');
  } catch (error) {
    w.errors = { [formField(error.field) ?? 'form']: error.message };
  }
  return redraw(w.sent ? 'waiting-sent' : 'waiting-errors');
}
