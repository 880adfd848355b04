// A seat offered from the waiting list. The offer message links to /?lang=it#offerta=<hold id>:
// the hold's id stays in the fragment, so it never reaches a server's log. The wizard asks
// GET /api/holds/{id} and, while the seat is still held, opens "Inserisci dati" for it as if the
// citizen had just chosen it (service, office, day and time, the countdown to expires_at); from
// there the flow is the usual one. An offer gone (404, 410) is said, with a new booking's link.
import { api } from '../api.js';
import { stopCountdown } from '../countdown.js';
import { esc } from '../html.js';
import { currentLang, t } from '../i18n.js';
import { emptyPerson } from '../state.js';
import { releaseHold } from './hold.js';
import { crumbsMarkup, errorBlock, urlFor } from './markup.js';
import { go } from './nav.js';
import { content, resetState, showView, state } from './session.js';

/** The hold id of an offer's address (#offerta=…), else null. */
export function offerInAddress() {
  const match = /^#offerta=([A-Za-z0-9_-]{1,200})$/.exec(location.hash);
  return match ? match[1] : null;
}

/** The wizard's frame without a step: a breadcrumb named `current`, no stepper, no countdown. */
function frame(current) {
  showView('wizard');
  stopCountdown();
  document.getElementById('wizard-crumbs').innerHTML = crumbsMarkup(current);
  document.getElementById('stepper').innerHTML = '';
  document.title = `${current} – ${t('title_suffix')}`;
}

function showGone() {
  frame(t('offer_gone_title'));
  content.innerHTML = `
    <h2 class="h3 step-heading" id="step-heading" tabindex="-1">${esc(t('offer_gone_title'))}</h2>
    <div class="alert alert-warning" role="alert" id="step-notice" tabindex="-1">
      <p class="mb-0">${esc(t('offer_gone'))}</p>
    </div>
    <p>${esc(t('offer_gone_more'))}</p>
    <div class="step-actions">
      <a class="btn btn-primary" href="${urlFor('wizard', 'service')}" data-goto="service">${esc(t('offer_new'))}</a>
    </div>`;
  // As on every step, a notice takes the focus.
  document.getElementById('step-notice').focus();
}

/** Takes the offered hold as the wizard's own: the choices it stands for, one person per seat. */
function adopt(hold, data) {
  const office = data.offices.find((o) => o.id === hold.office_id);
  const [first] = hold.seats;
  state.service = { ...data.service, lang: currentLang() };
  state.office = office
    ? { id: office.id, name: office.name, address: office.address }
    : { id: hold.office_id, name: hold.office_id, address: '' };
  state.people = hold.seats.length;
  state.date = first.date;
  state.slot = { date: first.date, start: first.start, end: first.end };
  state.seats = hold.seats.map(({ start, end }) => ({ start, end }));
  state.hold = { id: hold.hold_id, expires_at: hold.expires_at };
  state.form.people = hold.seats.map(() => emptyPerson());
  state.notice = { kind: 'success', text: t('offer_ready') };
}

/**
 * Opens the offer `holdId`: "Inserisci dati" for its seat (the address becomes /?step=details,
 * without the hold's id), or the message that it is gone. Any other hold of this tab is let go.
 */
export async function openOffer(holdId, { focus = true } = {}) {
  if (state.hold && state.hold.id !== holdId) await releaseHold();
  resetState();
  frame(t('loading'));
  content.setAttribute('aria-busy', 'true');
  content.innerHTML = `<p>${esc(t('loading'))}</p>`;
  let hold;
  let data;
  try {
    hold = await api.heldSeats(holdId);
    if (!Array.isArray(hold.seats) || !hold.seats.length) throw Object.assign(new Error(t('offer_gone')), { status: 410 });
    data = await api.offices(hold.service_id);
  } catch (error) {
    content.removeAttribute('aria-busy');
    // 404 unknown, 410 expired, released or used (a 409 "already sent" is used too).
    if ([404, 409, 410].includes(error.status)) return showGone();
    content.innerHTML = errorBlock(error);
    return undefined;
  }
  content.removeAttribute('aria-busy');
  adopt(hold, data);
  return go('details', { push: false, focus });
}
