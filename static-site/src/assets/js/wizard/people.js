// "Persone" on "Scegli orario": how many people the booking is for ("Aggiungi un'altra persona"),
// and the rules that bound it, read from the `rules` of GET /api/services (the server's
// settings): people per booking, active bookings per person and per contact, bookings per
// person, service and day. They are said here, before anyone types a name.
import { api } from '../api.js';
import { esc } from '../html.js';
import { t } from '../i18n.js';

let rules = null; // a promise of the server's rules (null when it has none), asked once per page

/** The server's booking rules, or null when it states none (then one person per booking). */
export function loadRules() {
  rules ??= api.services('').then((answer) => answer.rules ?? null).catch(() => {
    rules = null; // asked again next time
    return null;
  });
  return rules;
}

/** How many people one booking may be for: 1 when the server states no rules. */
export function peopleMax(answer) {
  const max = Number(answer?.people_max);
  return Number.isInteger(max) && max > 1 ? max : 1;
}

function rulesText(answer) {
  const max = peopleMax(answer);
  const quota = [answer.active_per_person, answer.per_service_day, answer.active_per_contact].every(Number.isInteger)
    ? t('people_quota', answer.active_per_person, answer.per_service_day, answer.active_per_contact)
    : '';
  return [max > 1 ? t('people_intro', max) : '', quota].filter(Boolean).join(' ');
}

/**
 * The "Persone" box: the rules, the people listed with a "Rimuovi" for each but the first, and
 * "Aggiungi un'altra persona" while there is room. Nothing when the server states no rules.
 */
export function peopleMarkup(answer, count) {
  if (!answer) return '';
  const max = peopleMax(answer);
  const text = rulesText(answer);
  if (max === 1) return text ? `<p class="people-rules">${esc(text)}</p>` : '';
  const people = Array.from({ length: count }, (_, i) => {
    const remove = i === 0 ? '' : `
        <button type="button" class="btn btn-outline-primary btn-xs people-remove" data-action="person-remove" data-index="${i}">${esc(t('person_remove'))}<span class="visually-hidden"> ${esc(t('person_n', i + 1))}</span></button>`;
    return `<li><span class="people-name">${esc(t('person_n', i + 1))}</span>${remove}</li>`;
  }).join('');
  const add = count < max
    ? `<button type="button" class="btn btn-outline-primary btn-sm" data-action="person-add"><svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-plus-circle"></use></svg> ${esc(t('person_add'))}</button>`
    : `<p class="people-full mb-0">${esc(t('people_full', max))}</p>`;
  return `
    <section class="people-box" aria-labelledby="people-title">
      <h3 class="h5" id="people-title">${esc(t('people_title'))}</h3>
      <p class="people-rules">${esc(text)}</p>
      <p class="people-count" id="people-count"><strong>${esc(t('people_count', count))}</strong></p>
      <ul class="people-list list-unstyled">${people}</ul>
      ${add}
      ${count > 1 ? `<p class="people-seats mt-3 mb-0">${esc(t('people_seats'))}</p>` : ''}
    </section>`;
}
