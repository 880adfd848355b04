// Holding the chosen time for everyone the booking is for, and letting it go: "INDIETRO" and
// MODIFICA before "Inserisci dati" release it, so does the countdown at zero.
import { api, ApiError } from '../api.js';
import { stopCountdown } from '../countdown.js';
import { esc } from '../html.js';
import { formatDate, formatRange, t } from '../i18n.js';
import { emptyPerson } from '../state.js';
import { go, renderStep } from './nav.js';
import { announce, content, persist, state } from './session.js';

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
      const [challenge, solver] = await Promise.all([api.challenge(), import('../challenge.js')]);
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

/** The form keeps one person's names per seat held, with what was already typed. */
function fitForm(count) {
  const typed = state.form.people ?? [];
  state.form.people = Array.from({ length: count }, (_, i) => typed[i] ?? emptyPerson());
}

export async function holdSlot(date, start, end) {
  for (const button of content.querySelectorAll('[data-action="slot"], [data-action="next-slot"]')) button.disabled = true;
  announce(t('holding'));
  const people = state.people;
  try {
    const hold = await placeHold({ service_id: state.service.id, office_id: state.office.id, date, start, people });
    state.hold = { id: hold.hold_id, expires_at: hold.expires_at };
    state.slot = { date, start, end };
    // One seat per person, in order; a server that holds one seat only may not list it.
    state.seats = Array.isArray(hold.seats) && hold.seats.length ? hold.seats : [{ start, end }];
    fitForm(state.seats.length);
    state.errors = {};
    await go('details');
  } catch (error) {
    if (error.code === 'slot_taken') await offerNextSlot(date, start, `${t('slot_taken')} ${error.message}`);
    else if (error.code === 'not_enough_seats') await offerNextSlot(date, start, t('not_enough_seats', people));
    else {
      state.notice = { kind: 'warning', text: error.message };
      await renderStep('slot');
    }
  }
}

/** The time was taken first, or cannot seat everyone: say so, and offer the office's next free time. */
async function offerNextSlot(date, start, text) {
  state.date = date;
  let next = null;
  try {
    const sameDay = await api.slots(state.service.id, state.office.id, date, state.people);
    const later = sameDay.slots.find((s) => s.start > start);
    next = later ? { date, ...later } : null;
    const laterDay = sameDay.days.find((d) => d > date);
    if (!next && laterDay) {
      const other = await api.slots(state.service.id, state.office.id, laterDay, state.people);
      if (other.slots[0]) next = { date: laterDay, ...other.slots[0] };
    }
  } catch {
    next = null;
  }
  const extra = next
    ? `<button type="button" class="btn btn-primary btn-sm mt-2" data-action="next-slot" data-date="${next.date}" data-start="${next.start}" data-end="${next.end}">${esc(t('slot_next', `${formatDate(next.date)}, ${formatRange(next.start, next.end)}`))}</button>`
    : '';
  state.notice = { kind: 'warning', text, extra };
  await renderStep('slot');
}

export async function releaseHold() {
  const holdId = state.hold?.id;
  state.hold = null;
  state.slot = null;
  state.seats = null;
  stopCountdown();
  persist();
  if (holdId) await api.release(holdId).catch(() => null);
}

export async function onHoldExpired() {
  await releaseHold();
  state.notice = { kind: 'warning', text: t('expired') };
  announce(t('expired'));
  await go('slot');
}
