// The weekly hours of an offering on "Gestione sedi — Uffici e orari": the editor (a fieldset per
// day, several ranges a day, each with "Dalle" and "Alle" and its "Rimuovi"; "Aggiungi fascia"),
// reading it back, checking it before asking the server, and the short text of a week
// ("lun 08:30–12:30; mar 08:30–12:30, 14:00–17:00"). A set of hours is numbered: 0 is the
// offering's `hours`, n ≥ 1 its `hours_from[n - 1]`; every id of the editor names its set.
import { esc } from '../html.js';
import { t } from '../sportello/texts.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The catalogue's hours ({"tue": ["14:00-17:00"]}) as the editor holds them: every day, its ranges. */
export function hoursDraft(raw = {}) {
  const draft = {};
  for (const day of DAYS) {
    draft[day] = (raw[day] || []).map((range) => {
      const [start = '', end = ''] = String(range).split('-');
      return { start: start.trim(), end: end.trim() };
    });
  }
  return draft;
}

/** The editor's hours as the catalogue has them: ranges in order, a day with none left out. */
export function hoursRaw(draft) {
  const raw = {};
  for (const day of DAYS) {
    const ranges = [...(draft[day] || [])].sort((a, b) => a.start.localeCompare(b.start));
    if (ranges.length) raw[day] = ranges.map(({ start, end }) => `${start}-${end}`);
  }
  return raw;
}

/** "lun 08:30–12:30; mar 08:30–12:30, 14:00–17:00", or "sempre chiuso". */
export function hoursText(raw = {}) {
  const names = t('ca_days_short');
  const days = DAYS.filter((day) => raw[day]?.length)
    .map((day) => `${names[day]} ${raw[day].map((range) => range.replace('-', '–')).join(', ')}`);
  return days.length ? days.join('; ') : t('ca_never_open');
}

export const rangeId = (set, day, index, edge) => `ed-h-${set}-${day}-${index}-${edge}`;
export const dayErrorId = (set, day) => `ed-h-${set}-${day}-error`;
export const addId = (set, day) => `ed-h-${set}-${day}-add`;
export const setErrorId = (set) => `ed-hours-${set}-error`;

function rangeMarkup(set, day, index, range) {
  const dayName = t('ca_days')[day];
  const which = `<span class="visually-hidden"> (${esc(t('ca_range_of', index + 1, dayName))})</span>`;
  const time = (edge, label) => `
      <div class="form-group">
        <label for="${rangeId(set, day, index, edge)}" class="active">${esc(label)}${which}</label>
        <input type="time" class="form-control" id="${rangeId(set, day, index, edge)}" step="300" value="${esc(range[edge])}"
          data-set="${set}" data-day="${day}" data-range="${index}" data-edge="${edge}">
      </div>`;
  return `
    <li class="closure-pair align-items-center mt-3">
      ${time('start', t('ca_from_time'))}
      ${time('end', t('ca_to_time'))}
      <div class="mb-3">
        <button type="button" class="btn btn-outline-danger btn-sm" data-hours-remove="${set}:${day}:${index}">${esc(t('ca_range_remove'))}<span class="visually-hidden"> ${esc(t('ca_range_of', index + 1, dayName))}</span></button>
      </div>
    </li>`;
}

/** The editor of one set of hours: a fieldset per day. */
export function hoursMarkup(set, draft) {
  const days = DAYS.map((day) => {
    const ranges = draft[day] || [];
    const dayName = t('ca_days')[day];
    const legendId = `ed-h-${set}-${day}-legend`;
    return `
      <fieldset class="mb-3" aria-labelledby="${legendId}">
        <legend id="${legendId}" class="h6 mb-1">${esc(dayName)}</legend>
        ${ranges.length ? `<ul class="list-unstyled mb-0">${ranges.map((range, index) => rangeMarkup(set, day, index, range)).join('')}</ul>`
    : `<p class="mb-2 text-muted-strong">${esc(t('ca_closed_day'))}</p>`}
        <div class="invalid-feedback d-block mb-2" id="${dayErrorId(set, day)}" hidden></div>
        <button type="button" class="btn btn-outline-primary btn-sm" id="${addId(set, day)}" data-hours-add="${set}:${day}">${esc(t('ca_range_add'))}<span class="visually-hidden"> ${esc(t('ca_range_add_to', dayName))}</span></button>
      </fieldset>`;
  }).join('');
  return `${days}<div class="invalid-feedback d-block mb-3" id="${setErrorId(set)}" hidden></div>`;
}

/** The ranges of set `set` as typed in `form`. */
export function readHours(form, set) {
  const draft = hoursDraft();
  for (const input of form.querySelectorAll(`input[data-set="${set}"][data-edge]`)) {
    const { day, range, edge } = input.dataset;
    const index = Number(range);
    draft[day][index] ??= { start: '', end: '' };
    draft[day][index][edge] = input.value;
  }
  for (const day of DAYS) draft[day] = draft[day].filter(Boolean);
  return draft;
}

const minutes = (time) => {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
};

/**
 * What is wrong with set `set` before asking the server: each problem as { error, inputs, focus,
 * message } (the day's message element, the inputs to mark, the one to focus). `slotMinutes`: the
 * length of one appointment, when known; `mustOpen`: at least one range (the weekly hours).
 */
export function checkHours(set, draft, slotMinutes, { mustOpen = false } = {}) {
  const problems = [];
  let open = false;
  for (const day of DAYS) {
    const ranges = draft[day] || [];
    if (ranges.length) open = true;
    const ids = ranges.flatMap((_, index) => [rangeId(set, day, index, 'start'), rangeId(set, day, index, 'end')]);
    const at = (index, edge) => rangeId(set, day, index, edge);
    const problem = (index, edge, message) => problems.push({ error: dayErrorId(set, day), inputs: ids, focus: at(index, edge), message });
    const empty = ranges.findIndex((r) => !r.start || !r.end);
    if (empty >= 0) {
      problem(empty, ranges[empty].start ? 'end' : 'start', t('err_ca_range_empty'));
      continue;
    }
    const backwards = ranges.findIndex((r) => r.end <= r.start);
    if (backwards >= 0) {
      problem(backwards, 'end', t('err_ca_range_order'));
      continue;
    }
    const short = ranges.findIndex((r) => slotMinutes && minutes(r.end) - minutes(r.start) < slotMinutes);
    if (short >= 0) {
      problem(short, 'end', t('err_ca_range_short', slotMinutes));
      continue;
    }
    const sorted = ranges.map((r, index) => ({ ...r, index })).sort((a, b) => a.start.localeCompare(b.start));
    const overlap = sorted.findIndex((r, i) => i > 0 && r.start < sorted[i - 1].end);
    if (overlap >= 0) problem(sorted[overlap].index, 'start', t('err_ca_range_overlap'));
  }
  if (mustOpen && !open) {
    problems.push({ error: setErrorId(set), inputs: [], focus: addId(set, 'mon'), message: t('err_ca_never_open') });
  }
  return problems;
}
