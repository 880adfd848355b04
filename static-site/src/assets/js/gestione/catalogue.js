// "Gestione sedi — Uffici e orari" (/gestione/catalogo/): managers change their offices, the
// services offered there and each offering's hours in the browser (administrators: everything).
// GET /api/staff/catalogue gives the parts in the catalogue file's own shape with its version and
// what may be edited. One part at a time opens in an editor under its item; "Anteprima" asks
// POST /api/staff/catalogue/preview and shows the appointments the change would displace (day,
// time, service, code: never a name); when there are any, the reason is asked in Italian and
// English; "Salva" saves exactly what was previewed (POST …/changes) and says how many citizens
// were told. "Modifiche" lists the changes with "Annulla" (catalogue-history.js). Signing in is
// the counter's (sportello/signin.js). Each result moves the focus to its heading or status and is
// said by the polite live region.
import { initChrome } from '../chrome.js';
import { esc } from '../html.js';
import { t as siteText } from '../i18n.js';
import { staffApi } from '../sportello/api.js';
import { staffSignIn } from '../sportello/signin.js';
import { formatDay, spacedCode, t, translate } from '../sportello/texts.js';
import { announce, fieldError, showText } from '../sportello/ui.js';
import { buildChange, draftOf, fieldsMarkup, rawPart, readDraft, readReasons, reasonsMarkup } from './catalogue-form.js';
import { bindHistory, describeEdit, loadHistory, officeName, problemCode, renderHistory, serviceName } from './catalogue-history.js';
import { addId, hoursDraft, rangeId } from './catalogue-hours.js';
import { addableServices, addKey, offeringKey, renderLists } from './catalogue-lists.js';
import { closePositionMap, openPositionMap } from './catalogue-map.js';
import { clearMarks, showEditorProblem, showProblems } from './catalogue-problems.js';
import './texts.js';
import './catalogue-texts.js';

const $ = (id) => document.getElementById(id);
const MANAGING_ROLES = ['manager', 'admin'];

const S = {
  me: null,
  version: null,
  offices: [],
  services: [],
  offerings: [],
  changes: [],
  /** The part being edited: { key, slotKey, kind, level, original, draft, change, preview, reasons, needReasons }. */
  editing: null,
  /** The change whose "Annulla" is being asked (catalogue-history.js). */
  undo: null,
  /** The last save's or undo's answer, shown until the next action: { saved, what, where }. */
  saved: null,
};

function setTitle() {
  document.title = `${t('ca_page_title')} – ${siteText('title_suffix')}`;
  const crumb = document.querySelector('[data-page-title]');
  if (crumb) crumb.textContent = t('ca_page_title');
}

function renderWho() {
  if (S.me) $('who').textContent = t('signed_in_as', S.me.email, t('roles')[S.me.role] ?? S.me.role);
}

// ---------------------------------------------------------------------------------------------
// Loading and drawing
// ---------------------------------------------------------------------------------------------

async function loadCatalogue() {
  const data = await staffApi.catalogue();
  S.version = data.version;
  S.offices = data.offices || [];
  S.services = data.services || [];
  S.offerings = data.offerings || [];
}

/** The catalogue and the history asked again, and everything drawn anew (an open editor kept). */
async function reloadAll() {
  syncDraft();
  $('ca-loading').hidden = false;
  try {
    await loadCatalogue();
    showText($('load-error-text'), '');
    $('load-error').hidden = true;
  } catch (error) {
    if (error.status === 401) return;
    $('load-error-text').textContent = `${t('ca_load_failed')} ${error.message}`;
    $('load-error-text').hidden = false;
    $('load-error').hidden = false;
  } finally {
    $('ca-loading').hidden = true;
  }
  await loadHistory(S);
  renderAll();
}

/** Keeps what the open editor's fields say (before anything is drawn again). */
function syncDraft() {
  const form = $('editor-form');
  if (!S.editing || !form) return;
  readDraft(form, S.editing);
  if ($('ed-reason-it')) S.editing.reasons = readReasons('ed').reasons;
}

function renderAll() {
  syncDraft();
  closePositionMap();
  renderLists(S);
  renderEditor();
  renderHistory(S);
}

function editorTitle(ed) {
  switch (ed.kind) {
    case 'office': return t('ca_editor_office', ed.original.name);
    case 'service': return t('ca_editor_service', serviceName(S, ed.original.id));
    case 'offering': return t('ca_editor_offering', serviceName(S, ed.original.service), officeName(S, ed.original.office));
    case 'add': return t('ca_editor_add', officeName(S, ed.original.office));
    default: return t('ca_editor_remove', serviceName(S, ed.original.service), officeName(S, ed.original.office));
  }
}

function renderEditor() {
  const ed = S.editing;
  if (!ed) return;
  const slot = document.querySelector(`[data-slot="${CSS.escape(ed.slotKey)}"]`);
  if (!slot) { // the part is gone (changed by someone else)
    S.editing = null;
    renderLists(S);
    return;
  }
  ed.serviceName = serviceName(S, ed.original.service);
  ed.officeName = officeName(S, ed.original.office);
  const h = `h${ed.level}`;
  slot.innerHTML = `
    <div class="border-top mt-3 pt-3" id="editor">
      <${h} id="editor-title" class="h5" tabindex="-1">${esc(editorTitle(ed))}</${h}>
      <form id="editor-form" class="closure-form" novalidate>
        <div id="editor-error" class="alert alert-danger" role="alert" tabindex="-1" hidden></div>
        <div class="pt-3">${fieldsMarkup(ed, addableServices(S, ed.original.office))}</div>
        <div class="button-row">
          <button type="submit" id="ed-preview-button" class="btn btn-primary">${esc(t('ca_preview'))}</button>
          <button type="button" id="ed-back" class="btn btn-outline-primary">${esc(t('ca_back'))}</button>
        </div>
      </form>
      <section id="ed-preview" class="closure-preview" aria-labelledby="ed-preview-title" hidden></section>
    </div>`;
  if (ed.preview) renderPreview();
  if (ed.kind === 'office' && ed.draft.mapOpen) showMap();
}

// ---------------------------------------------------------------------------------------------
// Opening and closing the editor
// ---------------------------------------------------------------------------------------------

function openEditor(key, opener) {
  const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  const [office, service] = rest.split('/');
  let original;
  let level = 4;
  let slotKey = key;
  if (kind === 'office') original = S.offices.find((o) => o.id === rest);
  else if (kind === 'service') original = S.services.find((s) => s.id === rest);
  else if (kind === 'add') original = { office: rest, service: '', slot_minutes: 30, desks: 1, hours: {} };
  else {
    original = S.offerings.find((o) => o.office === office && o.service === service);
    level = 5;
    if (opener === 'remove') slotKey = offeringKey(office, service);
  }
  if (!original) return;
  const editKind = opener === 'remove' ? 'remove' : kind;
  original = rawPart(original);
  S.editing = {
    key, slotKey, kind: editKind, level, original, opener,
    draft: draftOf(editKind, original), change: null, preview: null, reasons: { it: '', en: '' }, needReasons: false,
  };
  S.saved = null;
  $('saved').hidden = true;
  renderLists(S);
  renderEditor();
  $('editor-title').focus();
}

function closeEditor() {
  const ed = S.editing;
  if (!ed) return;
  S.editing = null;
  closePositionMap();
  renderLists(S);
  const opener = ed.opener === 'remove' ? `[data-remove="${CSS.escape(ed.slotKey)}"]`
    : ed.kind === 'add' ? `[data-add="${CSS.escape(addKey(ed.original.office))}"]` : `[data-edit="${CSS.escape(ed.key)}"]`;
  document.querySelector(opener)?.focus();
}

function showMap() {
  openPositionMap($('ed-map'), $('ed-map-status'), $('ed-lat'), $('ed-lon'), (lat, lon) => announce(t('ca_map_picked', lat, lon)));
}

function toggleMap(button) {
  const draft = S.editing.draft;
  draft.mapOpen = !draft.mapOpen;
  button.setAttribute('aria-expanded', String(draft.mapOpen));
  $('ed-map-box').hidden = !draft.mapOpen;
  if (draft.mapOpen) showMap();
  else closePositionMap();
}

/** A range or a set of hours added or removed: the editor drawn anew, the focus where it helps. */
function changeHours(button) {
  const ed = S.editing;
  syncDraft();
  invalidatePreview();
  const { hours, from } = ed.draft;
  let focus;
  if (button.dataset.hoursAdd) {
    const [set, day] = button.dataset.hoursAdd.split(':');
    hours[set][day].push({ start: '', end: '' });
    focus = rangeId(set, day, hours[set][day].length - 1, 'start');
  } else if (button.dataset.hoursRemove) {
    const [set, day, index] = button.dataset.hoursRemove.split(':');
    hours[set][day].splice(Number(index), 1);
    focus = addId(set, day);
    announce(t('ca_range_removed', t('ca_days')[day]));
  } else if (button.dataset.fromAdd) {
    hours.push(hoursDraft());
    from.push('');
    focus = `ed-from-${hours.length - 1}`;
  } else {
    const set = Number(button.dataset.fromRemove);
    hours.splice(set, 1);
    from.splice(set, 1);
    focus = 'ed-from-add';
    announce(t('ca_from_removed'));
  }
  renderEditor();
  $(focus)?.focus();
}

// ---------------------------------------------------------------------------------------------
// Preview and save
// ---------------------------------------------------------------------------------------------

function invalidatePreview() {
  const ed = S.editing;
  if (ed) {
    ed.change = null;
    ed.preview = null;
    ed.needReasons = false;
  }
  const section = $('ed-preview');
  if (section) {
    section.hidden = true;
    section.innerHTML = '';
  }
}

function countText(preview) {
  const bookings = preview.bookings || [];
  if (!preview.displaced) return t('ca_count_none');
  return bookings.every((b) => b.state === 'confirmed') ? t('ca_count_confirmed', preview.displaced) : t('ca_count_mixed', preview.displaced);
}

function bookingRow(booking) {
  return `
    <tr>
      <td>${esc(formatDay(booking.date))}<br><span class="nowrap">${esc(booking.start)}–${esc(booking.end)}</span></td>
      <td>${esc(serviceName(S, booking.service_id))}</td>
      <th scope="row" class="nowrap code">${esc(spacedCode(booking.short_code))}</th>
      <td><span class="state state-${esc(booking.state)}">${esc(t('booking_states')[booking.state] ?? booking.state)}</span></td>
    </tr>`;
}

function renderPreview() {
  const ed = S.editing;
  const section = $('ed-preview');
  if (!ed?.preview || !section) return;
  const { preview } = ed;
  const bookings = preview.bookings || [];
  const h = `h${Math.min(ed.level + 1, 6)}`;
  section.innerHTML = `
    <${h} id="ed-preview-title" class="h6" tabindex="-1">${esc(t('ca_preview_title'))}</${h}>
    <p class="mb-2">${esc(describeEdit(S, ed.change))}</p>
    <p id="ed-preview-count" class="preview-count">${esc(countText(preview))}</p>
    ${preview.slots ? `<p>${esc(t('ca_preview_slots', preview.slots))}</p>` : ''}
    ${preview.holds ? `<p>${esc(t('cl_preview_holds', preview.holds))}</p>` : ''}
    ${bookings.length ? `
    <div class="table-responsive agenda-scroll" tabindex="0" role="region" aria-label="${esc(t('cl_preview_table'))}">
      <table class="table agenda-table">
        <caption>${esc(t('cl_preview_table'))}</caption>
        <thead><tr>
          <th scope="col">${esc(t('col_when'))}</th><th scope="col">${esc(t('col_service'))}</th>
          <th scope="col">${esc(t('col_code'))}</th><th scope="col">${esc(t('col_state'))}</th>
        </tr></thead>
        <tbody id="ed-preview-body">${bookings.map(bookingRow).join('')}</tbody>
      </table>
    </div>` : ''}
    ${ed.needReasons ? `<p>${esc(t('ca_preview_tell'))}</p>${reasonsMarkup('ed', ed.reasons)}`
    : `<p>${esc(t('ca_preview_nobody'))}</p>`}
    <div id="ed-save-error" class="alert alert-danger" role="alert" tabindex="-1" hidden></div>
    <div class="button-row">
      <button type="button" id="ed-save" class="btn btn-primary">${esc(t('ca_save'))}</button>
      <button type="button" id="ed-edit" class="btn btn-outline-primary">${esc(t('ca_edit_again'))}</button>
    </div>`;
  section.hidden = false;
}

/** Whether the change leaves the part as it is. */
function unchanged(ed, change) {
  if (ed.kind === 'add' || ed.kind === 'remove') return false;
  const before = buildChange({ ...ed, draft: draftOf(ed.kind, ed.original) }).change;
  return JSON.stringify(before) === JSON.stringify(change);
}

async function onPreview(event) {
  event.preventDefault();
  const ed = S.editing;
  if (!ed) return;
  syncDraft();
  clearMarks();
  invalidatePreview();
  const { change, problems } = buildChange(ed);
  if (problems.length) {
    showProblems(problems);
    return;
  }
  if (unchanged(ed, change)) {
    showText($('editor-error'), t('ca_unchanged'));
    $('editor-error').focus();
    return;
  }
  const button = $('ed-preview-button');
  button.disabled = true;
  announce(t('cl_checking'));
  try {
    const preview = await staffApi.previewCatalogueChange({ version: S.version, change });
    if (S.editing !== ed) return;
    Object.assign(ed, { change, preview, needReasons: preview.displaced > 0 });
    renderPreview();
    $('ed-preview-title').focus();
    announce(`${t('ca_preview_title')}: ${countText(preview)}.`);
  } catch (error) {
    if (error.status !== 401) showEditorProblem(ed, error, { invalidatePreview });
  } finally {
    button.disabled = false;
  }
}

function resultMarkup({ saved, what, undo }) {
  return `
    <p class="h5 mb-2">${esc(t(undo ? 'ca_undone_title' : 'ca_saved_title'))}</p>
    <p class="mb-2">${esc(what)} (${esc(t('ca_version', saved.version))})</p>
    <p class="mb-2"><strong>${esc(t('cl_saved_told', saved.told ?? 0))}</strong></p>
    ${saved.released_holds ? `<p class="mb-2">${esc(t('cl_saved_holds', saved.released_holds))}</p>` : ''}`;
}

function renderSaved() {
  for (const id of ['saved', 'undo-done']) $(id).hidden = S.saved?.where !== id;
  if (!S.saved) return;
  $(S.saved.where).innerHTML = resultMarkup(S.saved);
}

function showResult(result) {
  S.saved = result;
  renderSaved();
  const box = $(result.where);
  box.focus();
  announce(box.textContent.replace(/\s+/g, ' ').trim());
}

async function onSave(button) {
  const ed = S.editing;
  if (!ed?.change) return;
  const body = { version: S.version, change: ed.change };
  showText($('ed-save-error'), '');
  if (ed.needReasons) {
    const { reasons, problems } = readReasons('ed');
    ed.reasons = reasons;
    for (const lang of ['it', 'en']) fieldError($(`ed-reason-${lang}`), $(`ed-reason-${lang}-error`), '');
    if (problems.length) {
      for (const [id, message] of problems) fieldError($(id), $(`${id}-error`), message);
      announce(t('ca_reason_needed'));
      $(problems[0][0]).focus();
      return;
    }
    Object.assign(body, { reason_it: reasons.it, reason_en: reasons.en });
  }
  button.disabled = true;
  announce(t('cl_saving'));
  try {
    const saved = await staffApi.saveCatalogueChange(body);
    const what = describeEdit(S, ed.change);
    S.editing = null;
    await reloadAll();
    showResult({ saved, what, where: 'saved' });
  } catch (error) {
    if (button.isConnected) button.disabled = false;
    if (error.status === 401) return;
    if (problemCode(error) === 'reason_required') {
      ed.needReasons = true;
      renderPreview();
      fieldError($('ed-reason-it'), $('ed-reason-it-error'), error.message);
      $('ed-reason-it').focus();
      announce(error.message);
      return;
    }
    showEditorProblem(S.editing, error, { where: 'ed-save-error', invalidatePreview });
  }
}

async function onReload() {
  syncDraft();
  invalidatePreview();
  await reloadAll();
  if (S.editing) {
    const ed = S.editing;
    const fresh = ed.kind === 'office' ? S.offices.find((o) => o.id === ed.original.id)
      : ed.kind === 'service' ? S.services.find((s) => s.id === ed.original.id)
        : S.offerings.find((o) => o.office === ed.original.office && o.service === ed.original.service);
    if (fresh && ed.kind !== 'add') ed.original = rawPart(fresh);
    $('editor-title')?.focus();
  } else {
    $('page-title').focus();
  }
  announce(t('ca_reloaded'));
}

// ---------------------------------------------------------------------------------------------
// Events, language and start
// ---------------------------------------------------------------------------------------------

async function onClick(event) {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.edit) openEditor(button.dataset.edit, 'edit');
  else if (button.dataset.remove) openEditor(button.dataset.remove, 'remove');
  else if (button.dataset.add) openEditor(button.dataset.add, 'add');
  else if (button.id === 'ed-back') closeEditor();
  else if (button.id === 'ed-save') await onSave(button);
  else if (button.id === 'ed-edit') {
    invalidatePreview();
    ($('editor-form').querySelector('input, textarea, select') ?? $('ed-preview-button')).focus();
  } else if (button.id === 'ed-map-toggle') toggleMap(button);
  else if (button.dataset.hoursAdd || button.dataset.hoursRemove || button.dataset.fromAdd || button.dataset.fromRemove) changeHours(button);
  else if (button.dataset.reload || button.id === 'load-retry') await onReload();
}

/** A field changed after "Anteprima": the preview no longer says what would be saved. */
function onEdited(event) {
  if (!event.target.closest('#editor-form')) return;
  if (S.editing?.preview) invalidatePreview();
}

function showCatalogue(me, { focus }) {
  Object.assign(S, { me, version: null, offices: [], services: [], offerings: [], changes: [], editing: null, undo: null, saved: null });
  renderWho();
  const manages = MANAGING_ROLES.includes(me.role);
  const offices = me.offices || [];
  $('not-manager').hidden = manages;
  $('no-office').hidden = !manages || offices.length > 0 || me.role === 'admin';
  $('catalogue-work').hidden = !manages || (offices.length === 0 && me.role !== 'admin');
  if (focus) $('page-title').focus();
  if ($('catalogue-work').hidden) return;
  renderSaved();
  reloadAll();
}

function onLanguage() {
  translate();
  setTitle();
  renderWho();
  if (!S.me || $('catalogue-work').hidden) return;
  renderAll();
  renderSaved();
}

function bind() {
  const work = $('catalogue-work');
  work.addEventListener('click', onClick);
  work.addEventListener('submit', (event) => {
    if (event.target.id === 'editor-form') onPreview(event);
  });
  work.addEventListener('input', onEdited);
  work.addEventListener('change', onEdited);
  bindHistory(S, {
    reload: reloadAll,
    onUndone: (saved) => showResult({ saved, what: describeEdit(S, saved.change?.edit), undo: true, where: 'undo-done' }),
  });
  document.addEventListener('prenota:lang', onLanguage);
}

const signIn = staffSignIn({
  view: 'view-catalogue',
  onSignedIn: showCatalogue,
  onSignedOut: () => {
    closePositionMap();
    S.me = null;
  },
});
initChrome();
translate();
setTitle();
bind();
signIn.start();
