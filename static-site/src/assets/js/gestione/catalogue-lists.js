// The three lists of "Gestione sedi — Uffici e orari": the offices, the services, and the
// offerings of each office. Each item says what the catalogue holds now, and has its "Modifica"
// (and for an offering "Togli dalla sede") when whoever is signed in may change it, else says it
// is read-only; under each item is the place (data-slot) where its editor opens. While a part is
// being edited, its own buttons give way to the editor.
import { esc } from '../html.js';
import { currentLang, formatDay, t } from '../sportello/texts.js';
import { officeName, serviceName } from './catalogue-history.js';
import { hoursText } from './catalogue-hours.js';

const $ = (id) => document.getElementById(id);

export const officeKey = (id) => `office:${id}`;
export const serviceKey = (id) => `service:${id}`;
export const offeringKey = (office, service) => `offering:${office}/${service}`;
export const addKey = (office) => `add:${office}`;

/** The services an office does not offer yet: [id, name], by name. */
export function addableServices(S, office) {
  const offered = new Set(S.offerings.filter((o) => o.office === office).map((o) => o.service));
  return S.services.filter((s) => !offered.has(s.id))
    .map((s) => [s.id, serviceName(S, s.id)])
    .sort((a, b) => a[1].localeCompare(b[1], currentLang()));
}

function actions(S, key, buttons, readOnly) {
  if (S.editing?.slotKey === key) return '';
  if (!buttons.length) return `<p class="small text-muted-strong mb-0">${esc(readOnly)}</p>`;
  return `<div class="button-row">${buttons.join('')}</div>`;
}

function button(data, label, hidden, style = 'btn-outline-primary') {
  return `<button type="button" class="btn ${style} btn-sm" ${data}>${esc(label)}<span class="visually-hidden">: ${esc(hidden)}</span></button>`;
}

const slot = (key) => `<div data-slot="${esc(key)}"></div>`;

function officeItem(S, office) {
  const key = officeKey(office.id);
  const access = office.accessibility?.[currentLang()];
  const edit = office.may_edit ? [button(`data-edit="${esc(key)}"`, t('ca_edit'), office.name)] : [];
  return `
    <li class="border rounded p-3 mb-3" data-item="${esc(key)}">
      <h3 class="h5">${esc(office.name)}</h3>
      <p class="mb-1">${esc(office.address)}</p>
      <p class="mb-1 small">${esc(t('ca_position_text', office.lat, office.lon))}</p>
      ${access ? `<p class="mb-2 small">${esc(t('ca_access_label'))} ${esc(access)}</p>` : ''}
      ${actions(S, key, edit, t('ca_read_only_office'))}
      ${slot(key)}
    </li>`;
}

function serviceItem(S, service) {
  const key = serviceKey(service.id);
  const name = serviceName(S, service.id);
  const lang = currentLang();
  const edit = service.may_edit ? [button(`data-edit="${esc(key)}"`, t('ca_edit'), name)] : [];
  return `
    <li class="border rounded p-3 mb-3" data-item="${esc(key)}">
      <h3 class="h5">${esc(name)}</h3>
      <p class="mb-1">${esc(service.summary?.[lang] ?? '')}</p>
      <p class="mb-2 small">${esc(t('ca_bring_count', service.what_to_bring?.[lang]?.length ?? 0))}${service.reconfirm ? ` ${esc(t('ca_reconfirm_short'))}` : ''}</p>
      ${actions(S, key, edit, t('ca_read_only_service'))}
      ${slot(key)}
    </li>`;
}

function offeringItem(S, offering) {
  const key = offeringKey(offering.office, offering.service);
  const name = serviceName(S, offering.service);
  const where = t('ca_offering_at', name, officeName(S, offering.office));
  const online = offering.desks_online ?? offering.desks;
  const buttons = offering.may_edit ? [
    button(`data-edit="${esc(key)}"`, t('ca_edit'), where),
    button(`data-remove="${esc(key)}"`, t('ca_remove'), where, 'btn-outline-danger'),
  ] : [];
  const dated = (offering.hours_from || []).map((set) => `
      <p class="mb-1">${esc(t('ca_hours_from_text', formatDay(set.from)))} ${esc(hoursText(set.hours))}</p>`).join('');
  return `
    <li class="border rounded p-3 mb-3" data-item="${esc(key)}">
      <h4 class="h6">${esc(name)}</h4>
      <p class="mb-1">${esc(t('ca_sizes', offering.slot_minutes, offering.desks, offering.desks - online))}</p>
      <p class="mb-1">${esc(t('ca_window_text', offering.earliest_working_days ?? 1, offering.latest_days ?? 60))}</p>
      <p class="mb-1">${esc(t('ca_week_text'))} ${esc(hoursText(offering.hours))}</p>
      ${dated}
      <div class="mt-2">${actions(S, key, buttons, t('ca_read_only'))}</div>
      ${slot(key)}
    </li>`;
}

function officeGroup(S, office) {
  const offerings = S.offerings.filter((o) => o.office === office.id)
    .sort((a, b) => serviceName(S, a.service).localeCompare(serviceName(S, b.service), currentLang()));
  const key = addKey(office.id);
  const canAdd = office.may_edit && addableServices(S, office.id).length > 0 && S.editing?.slotKey !== key;
  return `
    <div class="mb-4" data-group="${esc(office.id)}">
      <h3 class="h5" id="og-${esc(office.id)}">${esc(office.name)}</h3>
      ${offerings.length ? `<ul class="list-unstyled">${offerings.map((o) => offeringItem(S, o)).join('')}</ul>`
    : `<p>${esc(t('ca_no_offerings'))}</p>`}
      ${canAdd ? `<div class="button-row">${button(`data-add="${esc(key)}"`, t('ca_add'), office.name)}</div>` : ''}
      ${slot(key)}
    </div>`;
}

/** Draws the three lists from the catalogue in `S`. */
export function renderLists(S) {
  $('office-list').innerHTML = S.offices.map((office) => officeItem(S, office)).join('');
  const services = [...S.services].sort((a, b) => serviceName(S, a.id).localeCompare(serviceName(S, b.id), currentLang()));
  $('service-list').innerHTML = services.map((service) => serviceItem(S, service)).join('');
  $('offering-groups').innerHTML = S.offices.map((office) => officeGroup(S, office)).join('');
}
