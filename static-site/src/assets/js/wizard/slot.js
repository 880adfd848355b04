// Step 3, "Scegli orario": how many people ("Persone", people.js), the day, the free times of
// that day for that many people, and "Avvisami se si libera un posto" (waiting.js).
import { api } from '../api.js';
import { esc } from '../html.js';
import { formatDate, formatRange, t } from '../i18n.js';
import { chosenOfficeMarkup, chosenServiceMarkup, errorBlock, noticeMarkup, stepHeading, urlFor } from './markup.js';
import { loadRules, peopleMarkup, peopleMax } from './people.js';
import { announce, content, persist, state } from './session.js';
import { waitingSection } from './waiting.js';

async function fetchSlots(date) {
  const { service, office, people } = state;
  try {
    return await api.slots(service.id, office.id, date, people);
  } catch (error) {
    // A remembered day that is no longer bookable: fall back to the first day with a free slot.
    if (date && error.status === 422) return api.slots(service.id, office.id, null, people);
    throw error;
  }
}

/**
 * The day to show: the one asked for, else — when it has no free time (left) for this many
 * people — the next day that has one, with a notice saying so.
 */
async function fetchDay() {
  const data = await fetchSlots(state.date);
  if (!data.date || data.slots.length || !data.days.length || data.days.includes(data.date)) return data;
  const other = data.days.find((d) => d > data.date) ?? data.days[0];
  state.notice ??= { kind: 'warning', text: t('day_moved', formatDate(data.date), formatDate(other), state.people) };
  return fetchSlots(other);
}

export async function renderSlot() {
  let rules;
  let data;
  try {
    const asked = loadRules();
    // More than one person: the server's maximum may have changed since the count was chosen.
    if (state.people > 1) state.people = Math.min(state.people, peopleMax(await asked));
    [rules, data] = await Promise.all([asked, fetchDay()]);
  } catch (error) {
    content.innerHTML = `${chosenServiceMarkup()}${stepHeading('slot')}${errorBlock(error)}`;
    return;
  }
  state.date = data.date;
  const waiting = await waitingSection(!data.date, data.days);
  const none = state.people > 1 ? t('slots_none_people', state.people) : t('slots_none');
  content.innerHTML = `
    ${chosenServiceMarkup()}
    ${chosenOfficeMarkup()}
    ${noticeMarkup()}
    ${stepHeading('slot')}
    ${peopleMarkup(rules, state.people)}
    ${data.date ? dayNavMarkup(data) + slotListMarkup(data) : `<p>${esc(none)}</p>`}
    ${waiting}
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
  const lead = state.people > 1 ? t('slot_lead_people', state.people) : t('slot_lead');
  return `<p class="mt-3">${esc(lead)}</p><ul class="slot-list list-unstyled" id="slot-list">${buttons}</ul>`;
}

export async function changeDay(day) {
  if (!day) return;
  state.date = day;
  persist();
  await renderSlot();
  state.notice = null;
  persist();
  document.getElementById('day-select')?.focus();
}

/**
 * "Aggiungi un'altra persona" (no index) or "Rimuovi" on person `index`: the times are asked
 * again for the new count, and the focus stays on the control the citizen is using.
 */
export async function changePeople(index = null) {
  const adding = index === null;
  state.people = Math.max(1, state.people + (adding ? 1 : -1));
  persist();
  content.setAttribute('aria-busy', 'true');
  await renderSlot();
  content.removeAttribute('aria-busy');
  const removes = [...content.querySelectorAll('[data-action="person-remove"]')];
  const add = content.querySelector('[data-action="person-add"]');
  const target = adding
    ? add ?? removes.at(-1)
    : removes.find((button) => Number(button.dataset.index) === Number(index)) ?? removes.at(-1) ?? add;
  (target ?? document.getElementById('step-notice') ?? document.getElementById('step-heading'))?.focus();
  announce(`${t(adding ? 'person_added' : 'person_removed')} ${t('people_count', state.people)}`);
  state.notice = null;
  persist();
}
