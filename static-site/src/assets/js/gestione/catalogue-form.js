// The editor of one part of the catalogue on "Gestione sedi — Uffici e orari": an office, a
// service, an offering (added or changed) or an offering removed. Each is held as a draft (what
// the fields say, as text), drawn from the draft (so that the page can draw it again in the other
// language, or with one more range of hours, without losing what was typed), read back from the
// form, checked, and made into the change the API takes: { office | service | offering |
// remove_offering: … }, in the catalogue file's own shape.
import { esc } from '../html.js';
import { t } from '../sportello/texts.js';
import { addId, checkHours, dayErrorId, DAYS, hoursDraft, hoursMarkup, hoursRaw, readHours, setErrorId } from './catalogue-hours.js';

const lines = (text) => String(text || '').split('\n').map((line) => line.trim()).filter(Boolean);
const numberText = (value) => (value === null || value === undefined ? '' : String(value));

/** A part of the catalogue as the API lists it, without `may_edit`: what a change sends back. */
export function rawPart(part) {
  const { may_edit: _, ...raw } = part;
  return raw;
}

/** The draft of a part: `kind` office, service, offering, add (a new offering) or remove. */
export function draftOf(kind, raw) {
  switch (kind) {
    case 'office':
      return {
        id: raw.id, name: raw.name, address: raw.address, lat: numberText(raw.lat), lon: numberText(raw.lon),
        accessIt: raw.accessibility?.it ?? '', accessEn: raw.accessibility?.en ?? '',
      };
    case 'service':
      return {
        id: raw.id, nameIt: raw.name.it, nameEn: raw.name.en, summaryIt: raw.summary.it, summaryEn: raw.summary.en,
        synonyms: (raw.synonyms || []).join('\n'), termsIt: raw.terms.it, termsEn: raw.terms.en,
        rulesIt: raw.access_rules.it, rulesEn: raw.access_rules.en,
        bringIt: (raw.what_to_bring?.it || []).join('\n'), bringEn: (raw.what_to_bring?.en || []).join('\n'),
        reconfirm: Boolean(raw.reconfirm),
      };
    case 'offering':
    case 'add':
      return {
        office: raw.office, service: raw.service ?? '',
        slot: numberText(raw.slot_minutes), desks: numberText(raw.desks),
        kept: raw.desks_online === null || raw.desks_online === undefined ? '0' : String(raw.desks - raw.desks_online),
        keptWasSet: raw.desks_online !== null && raw.desks_online !== undefined,
        earliest: numberText(raw.earliest_working_days), latest: numberText(raw.latest_days),
        hours: [hoursDraft(raw.hours), ...(raw.hours_from || []).map((set) => hoursDraft(set.hours))],
        from: ['', ...(raw.hours_from || []).map((set) => set.from)],
      };
    default: // remove
      return { office: raw.office, service: raw.service };
  }
}

// ---------------------------------------------------------------------------------------------
// Markup
// ---------------------------------------------------------------------------------------------

function described(id, hint) {
  return hint ? ` aria-describedby="${id}-hint"` : '';
}

function after(id, hint) {
  return `${hint ? `<small id="${id}-hint" class="form-text">${esc(hint)}</small>` : ''}
    <div class="invalid-feedback d-block" id="${id}-error" hidden></div>`;
}

// A field with a hint gets more room below it: the next field's label sits above that field.
const group = (hint) => `form-group${hint ? ' mb-5' : ''}`;

function field(id, label, value, { type = 'text', hint = '', attrs = '' } = {}) {
  return `
    <div class="${group(hint)}">
      <label for="${id}" class="active">${esc(label)}</label>
      <input type="${type}" class="form-control" id="${id}" value="${esc(value)}"${described(id, hint)} ${attrs}>
      ${after(id, hint)}
    </div>`;
}

function area(id, label, value, { hint = '', lang = '', rows = 3, max = 4000, attrs = '' } = {}) {
  return `
    <div class="${group(hint)}">
      <label for="${id}" class="active">${esc(label)}</label>
      <textarea class="form-control" id="${id}" rows="${rows}" maxlength="${max}"${lang ? ` lang="${lang}"` : ''}${described(id, hint)} ${attrs}>${esc(value)}</textarea>
      ${after(id, hint)}
    </div>`;
}

const NUMBER = (min, max) => `inputmode="numeric" min="${min}" max="${max}" step="1"`;

function officeFields(d) {
  return `
    ${field('ed-name', t('ca_office_name'), d.name, { attrs: 'maxlength="120" required aria-required="true"' })}
    ${field('ed-address', t('ca_office_address'), d.address, { attrs: 'maxlength="240" required aria-required="true"' })}
    <fieldset>
      <legend>${esc(t('ca_position'))}</legend>
      <p class="small mb-0" id="ed-position-hint">${esc(t('ca_position_hint'))}</p>
      <div class="closure-pair">
        ${field('ed-lat', t('ca_lat'), d.lat, { attrs: 'inputmode="decimal" required aria-required="true" autocomplete="off"' })}
        ${field('ed-lon', t('ca_lon'), d.lon, { attrs: 'inputmode="decimal" required aria-required="true" autocomplete="off"' })}
      </div>
      <button type="button" id="ed-map-toggle" class="btn btn-outline-primary btn-sm mb-3" aria-expanded="${d.mapOpen ? 'true' : 'false'}" aria-controls="ed-map-box">${esc(t('ca_map_toggle'))}</button>
      <div id="ed-map-box" class="office-map-wrap"${d.mapOpen ? '' : ' hidden'}>
        <p class="small mb-2">${esc(t('ca_map_hint'))}</p>
        <div id="ed-map" class="office-map" role="region" aria-label="${esc(t('ca_map_label'))}"></div>
        <p id="ed-map-status" class="map-status alert alert-warning" role="status" hidden></p>
      </div>
    </fieldset>
    <fieldset>
      <legend>${esc(t('ca_access'))}</legend>
      <p class="small mb-0">${esc(t('ca_access_hint'))}</p>
      <div class="pt-4">
        ${area('ed-access-it', t('ca_in_it'), d.accessIt, { lang: 'it' })}
        ${area('ed-access-en', t('ca_in_en'), d.accessEn, { lang: 'en' })}
      </div>
    </fieldset>`;
}

function pair(legend, key, d, options = {}) {
  const one = (lang, label) => (options.line
    ? field(`ed-${key}-${lang}`, label, d[`${key}${lang === 'it' ? 'It' : 'En'}`], { attrs: `lang="${lang}" maxlength="120" required aria-required="true"` })
    : area(`ed-${key}-${lang}`, label, d[`${key}${lang === 'it' ? 'It' : 'En'}`], { rows: options.rows, lang }));
  return `
    <fieldset>
      <legend>${esc(legend)}</legend>
      ${options.hint ? `<p class="small mb-0">${esc(options.hint)}</p>` : ''}
      <div class="pt-4">
        ${one('it', t('ca_in_it'))}
        ${one('en', t('ca_in_en'))}
      </div>
    </fieldset>`;
}

function serviceFields(d) {
  return `
    <p class="small">${esc(t('ca_service_id', d.id))}</p>
    ${pair(t('ca_service_name'), 'name', d, { line: true })}
    ${pair(t('ca_service_summary'), 'summary', d)}
    <div class="pt-4">${area('ed-synonyms', t('ca_synonyms'), d.synonyms, { hint: t('ca_synonyms_hint'), rows: 4 })}</div>
    ${pair(t('ca_terms'), 'terms', d, { rows: 4 })}
    ${pair(t('ca_access_rules'), 'rules', d, { rows: 4 })}
    ${pair(t('ca_bring'), 'bring', d, { hint: t('ca_bring_hint'), rows: 4 })}
    <div class="form-check mb-4">
      <input type="checkbox" id="ed-reconfirm"${d.reconfirm ? ' checked' : ''}>
      <label for="ed-reconfirm">${esc(t('ca_reconfirm'))}</label>
    </div>`;
}

function fromSetMarkup(set, d) {
  return `
    <fieldset class="border-top pt-3 mb-3" aria-labelledby="ed-from-${set}-legend">
      <legend id="ed-from-${set}-legend" class="h6">${esc(t('ca_from_set', set))}</legend>
      <div class="pt-3">
        ${field(`ed-from-${set}`, t('ca_from_date'), d.from[set], { type: 'date', hint: t('ca_from_date_hint'), attrs: 'required aria-required="true"' })}
      </div>
      ${hoursMarkup(set, d.hours[set])}
      <button type="button" class="btn btn-outline-danger btn-sm" data-from-remove="${set}">${esc(t('ca_from_remove'))}<span class="visually-hidden"> ${esc(t('ca_from_set', set))}</span></button>
    </fieldset>`;
}

function offeringFields(d, { services = [], adding = false } = {}) {
  const choose = adding ? `
    <div class="select-wrapper mt-5 mb-4">
      <label for="ed-service">${esc(t('ca_service'))}</label>
      <select id="ed-service" required aria-required="true">
        <option value="">${esc(t('ca_service_choose'))}</option>
        ${services.map(([id, name]) => `<option value="${esc(id)}"${id === d.service ? ' selected' : ''}>${esc(name)}</option>`).join('')}
      </select>
      <div class="invalid-feedback d-block" id="ed-service-error" hidden></div>
    </div>` : '';
  const sets = d.hours.map((_, set) => set).slice(1);
  return `
    ${choose}
    <div class="closure-pair">
      ${field('ed-slot', t('ca_slot'), d.slot, { type: 'number', hint: t('ca_slot_hint'), attrs: `${NUMBER(5, 240)} required aria-required="true"` })}
      ${field('ed-desks', t('ca_desks'), d.desks, { type: 'number', hint: t('ca_desks_hint'), attrs: `${NUMBER(1, 50)} required aria-required="true"` })}
    </div>
    ${field('ed-kept', t('ca_kept'), d.kept, { type: 'number', hint: t('ca_kept_hint'), attrs: NUMBER(0, 50) })}
    <fieldset>
      <legend>${esc(t('ca_window'))}</legend>
      <div class="closure-pair mt-4">
        ${field('ed-earliest', t('ca_earliest'), d.earliest, { type: 'number', hint: t('ca_earliest_hint'), attrs: NUMBER(0, 366) })}
        ${field('ed-latest', t('ca_latest'), d.latest, { type: 'number', hint: t('ca_latest_hint'), attrs: NUMBER(1, 366) })}
      </div>
    </fieldset>
    <fieldset class="mb-4">
      <legend>${esc(t('ca_week'))}</legend>
      <p class="small">${esc(t('ca_week_hint'))}</p>
      ${hoursMarkup(0, d.hours[0])}
    </fieldset>
    <fieldset class="mb-4">
      <legend>${esc(t('ca_from_title'))}</legend>
      <p class="small">${esc(t('ca_from_hint'))}</p>
      ${sets.map((set) => fromSetMarkup(set, d)).join('')}
      <button type="button" class="btn btn-outline-primary btn-sm" id="ed-from-add" data-from-add="1">${esc(t('ca_from_add'))}</button>
    </fieldset>`;
}

/** The fields of the editor for `editing` ({ kind, draft }); `services`: [id, name] to add. */
export function fieldsMarkup(editing, services) {
  const d = editing.draft;
  switch (editing.kind) {
    case 'office': return officeFields(d);
    case 'service': return serviceFields(d);
    case 'offering': return offeringFields(d);
    case 'add': return offeringFields(d, { services, adding: true });
    default: return `<p>${esc(t('ca_remove_what', editing.serviceName, editing.officeName))}</p>`;
  }
}

/**
 * The reason told to the citizens whose appointments a change displaces, in both languages:
 * fields `${prefix}-reason-it` and `${prefix}-reason-en`, with what was typed in `reasons`.
 */
export function reasonsMarkup(prefix, reasons) {
  const required = 'required aria-required="true"';
  return `
    <div class="pt-4">
      ${area(`${prefix}-reason-it`, t('cl_reason_it'), reasons.it, { lang: 'it', rows: 2, max: 300, hint: t('ca_reason_hint'), attrs: required })}
      ${area(`${prefix}-reason-en`, t('cl_reason_en'), reasons.en, { lang: 'en', rows: 2, max: 300, attrs: required })}
    </div>`;
}

/** The reasons typed in the fields of reasonsMarkup(prefix), and each missing one as [id, message]. */
export function readReasons(prefix) {
  const value = (lang) => document.getElementById(`${prefix}-reason-${lang}`)?.value.trim() ?? '';
  const reasons = { it: value('it'), en: value('en') };
  const problems = [];
  if (!reasons.it) problems.push([`${prefix}-reason-it`, t('err_cl_reason_it')]);
  if (!reasons.en) problems.push([`${prefix}-reason-en`, t('err_cl_reason_en')]);
  return { reasons, problems };
}

// ---------------------------------------------------------------------------------------------
// Reading the form back, and checking it
// ---------------------------------------------------------------------------------------------

/** The draft as the form says now (kept in `editing.draft`). */
export function readDraft(form, editing) {
  const value = (id) => form.querySelector(`#${id}`)?.value ?? '';
  const d = editing.draft;
  switch (editing.kind) {
    case 'office':
      Object.assign(d, {
        name: value('ed-name'), address: value('ed-address'), lat: value('ed-lat'), lon: value('ed-lon'),
        accessIt: value('ed-access-it'), accessEn: value('ed-access-en'),
      });
      break;
    case 'service':
      for (const key of ['name', 'summary', 'terms', 'rules', 'bring']) {
        d[`${key}It`] = value(`ed-${key}-it`);
        d[`${key}En`] = value(`ed-${key}-en`);
      }
      d.synonyms = value('ed-synonyms');
      d.reconfirm = Boolean(form.querySelector('#ed-reconfirm')?.checked);
      break;
    case 'offering':
    case 'add':
      if (editing.kind === 'add') d.service = value('ed-service');
      Object.assign(d, {
        slot: value('ed-slot'), desks: value('ed-desks'), kept: value('ed-kept'),
        earliest: value('ed-earliest'), latest: value('ed-latest'),
      });
      d.hours = d.hours.map((_, set) => readHours(form, set));
      d.from = d.from.map((from, set) => (set === 0 ? '' : value(`ed-from-${set}`)));
      break;
    default:
  }
  return d;
}

const problem = (id, message) => ({ error: `${id}-error`, inputs: [id], focus: id, message });

/** A whole number typed in field `id` within [min, max]; empty: `empty`. */
function whole(d, key, id, min, max, problems, { empty } = {}) {
  const text = String(d[key] ?? '').trim();
  if (!text && empty !== undefined) return empty;
  const n = Number(text);
  if (!text || !Number.isInteger(n) || n < min || n > max) {
    problems.push(problem(id, t('err_ca_between', min, max)));
    return null;
  }
  return n;
}

function officeChange(d, problems) {
  const name = d.name.trim();
  const address = d.address.trim();
  if (!name) problems.push(problem('ed-name', t('err_ca_office_name')));
  if (!address) problems.push(problem('ed-address', t('err_ca_office_address')));
  const coordinate = (text, id, limit) => {
    const n = Number(String(text).trim().replace(',', '.'));
    if (!String(text).trim() || !Number.isFinite(n) || Math.abs(n) > limit) {
      problems.push(problem(id, t(id === 'ed-lat' ? 'err_ca_lat' : 'err_ca_lon')));
      return null;
    }
    return n;
  };
  const lat = coordinate(d.lat, 'ed-lat', 90);
  const lon = coordinate(d.lon, 'ed-lon', 180);
  const office = { id: d.id, name, address, lat, lon };
  const [it, en] = [d.accessIt.trim(), d.accessEn.trim()];
  if (it && !en) problems.push(problem('ed-access-en', t('err_ca_other_language')));
  if (en && !it) problems.push(problem('ed-access-it', t('err_ca_other_language')));
  if (it || en) office.accessibility = { it, en };
  return { office };
}

function serviceChange(d, problems) {
  const both = (key, required = true) => {
    const value = { it: d[`${key}It`].trim(), en: d[`${key}En`].trim() };
    if (required) {
      for (const lang of ['it', 'en']) if (!value[lang]) problems.push(problem(`ed-${key}-${lang}`, t(`err_ca_empty_${lang}`)));
    }
    return value;
  };
  const service = {
    id: d.id, name: both('name'), summary: both('summary'), synonyms: lines(d.synonyms),
    terms: both('terms'), access_rules: both('rules'),
    what_to_bring: { it: lines(d.bringIt), en: lines(d.bringEn) }, reconfirm: d.reconfirm,
  };
  if (service.what_to_bring.it.length !== service.what_to_bring.en.length) {
    problems.push(problem('ed-bring-en', t('err_ca_bring_lengths', service.what_to_bring.it.length, service.what_to_bring.en.length)));
  }
  return { service };
}

function offeringChange(editing, d, problems) {
  if (editing.kind === 'add' && !d.service) problems.push(problem('ed-service', t('err_ca_service')));
  const slot = whole(d, 'slot', 'ed-slot', 5, 240, problems);
  const desks = whole(d, 'desks', 'ed-desks', 1, 50, problems);
  const kept = whole(d, 'kept', 'ed-kept', 0, desks ?? 50, problems, { empty: 0 });
  const earliest = whole(d, 'earliest', 'ed-earliest', 0, 366, problems, { empty: null });
  const latest = whole(d, 'latest', 'ed-latest', 1, 366, problems, { empty: null });
  if (earliest !== null && latest !== null && earliest > latest) problems.push(problem('ed-earliest', t('err_ca_window')));
  const offering = { office: d.office, service: d.service, slot_minutes: slot, desks };
  if (desks !== null && kept !== null && (kept > 0 || d.keptWasSet)) offering.desks_online = desks - kept;
  if (earliest !== null) offering.earliest_working_days = earliest;
  if (latest !== null) offering.latest_days = latest;
  problems.push(...checkHours(0, d.hours[0], slot, { mustOpen: true }));
  offering.hours = hoursRaw(d.hours[0]);
  const dated = [];
  for (let set = 1; set < d.hours.length; set += 1) {
    const from = d.from[set];
    if (!from) problems.push(problem(`ed-from-${set}`, t('err_ca_from_date')));
    else if (set > 1 && d.from[set - 1] && from <= d.from[set - 1]) problems.push(problem(`ed-from-${set}`, t('err_ca_from_order')));
    problems.push(...checkHours(set, d.hours[set], slot));
    dated.push({ from, hours: hoursRaw(d.hours[set]) });
  }
  if (dated.length) offering.hours_from = dated;
  return { offering };
}

/** The change the editor's draft makes, and what is wrong with it before asking the server. */
export function buildChange(editing) {
  const problems = [];
  const d = editing.draft;
  let change;
  switch (editing.kind) {
    case 'office': change = officeChange(d, problems); break;
    case 'service': change = serviceChange(d, problems); break;
    case 'offering':
    case 'add': change = offeringChange(editing, d, problems); break;
    default: change = { remove_offering: { office: d.office, service: d.service } };
  }
  return { change, problems };
}

// ---------------------------------------------------------------------------------------------
// The server's issues, beside their fields
// ---------------------------------------------------------------------------------------------

const OFFICE_FIELDS = { name: 'ed-name', address: 'ed-address', lat: 'ed-lat', lon: 'ed-lon', 'accessibility.it': 'ed-access-it', 'accessibility.en': 'ed-access-en' };
const SERVICE_FIELDS = { name: 'ed-name', summary: 'ed-summary', terms: 'ed-terms', access_rules: 'ed-rules', what_to_bring: 'ed-bring' };
const OFFERING_FIELDS = {
  slot_minutes: 'ed-slot', desks: 'ed-desks', desks_online: 'ed-kept', earliest_working_days: 'ed-earliest',
  latest_days: 'ed-latest', service: 'ed-service', office: 'ed-service',
};

/** Where an issue's `field` ("hours.tue", "hours_from[1].from", "name.it"…) is shown, if anywhere. */
export function issueTarget(editing, fieldName, form) {
  const exists = (id) => Boolean(id && form.querySelector(`#${CSS.escape(id)}`));
  const plain = (id) => (exists(id) ? problem(id, '') : null);
  const name = String(fieldName || '');
  if (editing.kind === 'office') return plain(OFFICE_FIELDS[name]);
  if (editing.kind === 'service') {
    if (name.startsWith('synonyms')) return plain('ed-synonyms');
    const [key, rest = 'it'] = name.split('.');
    const base = SERVICE_FIELDS[key];
    return base ? plain(`${base}-${rest.startsWith('en') ? 'en' : 'it'}`) : null;
  }
  if (editing.kind !== 'offering' && editing.kind !== 'add') return null;
  if (OFFERING_FIELDS[name]) return plain(OFFERING_FIELDS[name]);
  const dated = name.match(/^hours_from\[(\d+)\]\.(from|hours)(?:\.(\w+))?$/);
  const weekly = name.match(/^hours(?:\.(\w+))?$/);
  const set = dated ? Number(dated[1]) : 0;
  const day = dated ? dated[3] : weekly?.[1];
  if (dated?.[2] === 'from') return plain(`ed-from-${set}`);
  if (!dated && !weekly) return null;
  if (!day || !DAYS.includes(day)) return exists(setErrorId(set)) ? { error: setErrorId(set), inputs: [], focus: null, message: '' } : null;
  const inputs = [...form.querySelectorAll(`input[data-set="${set}"][data-day="${day}"]`)].map((input) => input.id);
  return exists(dayErrorId(set, day)) ? { error: dayErrorId(set, day), inputs, focus: inputs[0] ?? addId(set, day), message: '' } : null;
}
