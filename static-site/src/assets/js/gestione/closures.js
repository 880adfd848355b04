// "Gestione sedi — Chiusure" (/gestione/): a manager closes their office (an administrator any
// office, or all of them) for a day, some days or some hours, with a reason in Italian and English
// (docs/closures.md). "Verifica effetto" asks POST /api/staff/closures/preview and shows the
// appointments hit (time, service, booking code: never a name); "Salva chiusura" saves exactly what
// was previewed (POST /api/staff/closures) and says how many citizens were told. The closures in
// force are listed with "Annulla chiusura" (asked first, then POST …/reopen). Signing in is the
// counter's (sportello/signin.js). Each result moves the focus to its heading or status and is
// said by the polite live region.
import { initChrome } from '../chrome.js';
import { esc } from '../html.js';
import { t as siteText } from '../i18n.js';
import { staffApi } from '../sportello/api.js';
import { serviceNames } from '../sportello/services.js';
import { staffSignIn } from '../sportello/signin.js';
import { currentLang, formatDay, spacedCode, t, translate } from '../sportello/texts.js';
import { announce, fieldError, showText } from '../sportello/ui.js';
import './texts.js';

const $ = (id) => document.getElementById(id);

/** The office select's value for "Tutte le sedi" (sent as office_id null). */
const ALL_OFFICES = '*';
const MANAGING_ROLES = ['manager', 'admin'];

/** Each field of the form as the API names it: its inputs and where its message goes. */
const FIELDS = {
  office_id: { inputs: ['cl-office'], error: 'cl-office-error' },
  from: { inputs: ['cl-from'], error: 'cl-from-error' },
  to: { inputs: ['cl-to'], error: 'cl-to-error' },
  hours: { inputs: ['cl-hours-from', 'cl-hours-to'], error: 'cl-hours-error' },
  reason_it: { inputs: ['cl-reason-it'], error: 'cl-reason-it-error' },
  reason_en: { inputs: ['cl-reason-en'], error: 'cl-reason-en-error' },
};

const S = {
  me: null,
  closures: [],
  serviceNames: new Map(),
  /** The form as previewed (what "Salva chiusura" sends) and the preview's answer. */
  previewed: null,
  preview: null,
  /** The last save's answer, shown until the next preview. */
  saved: null,
  /** The closure whose "Annulla chiusura" is being asked. */
  confirming: null,
};

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

function setTitle() {
  document.title = `${t('cl_page_title')} – ${siteText('title_suffix')}`;
  const crumb = document.querySelector('[data-page-title]');
  if (crumb) crumb.textContent = t('cl_page_title');
}

function officeLabel(id) {
  if (!id) return t('cl_all_offices');
  return S.me?.offices.find((o) => o.id === id)?.name ?? id;
}

function serviceName(id) {
  return S.serviceNames.get(id) ?? id;
}

/** "mar 2 feb 2027, 14:00–18:00" or "dal … al …, tutto il giorno". */
function periodText({ from, to, hours }) {
  const days = !to || to === from ? t('cl_period_day', formatDay(from)) : t('cl_period_days', formatDay(from), formatDay(to));
  return `${days}, ${hours ? hours.replace('-', '–') : t('cl_whole_day_short')}`;
}

/** An instant as Bergamo reads it: "2 feb 2027, 09:05". */
function formatInstant(instant) {
  return new Intl.DateTimeFormat(currentLang() === 'en' ? 'en-GB' : 'it-IT', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome',
  }).format(new Date(instant));
}

async function loadServiceNames() {
  S.serviceNames = await serviceNames(); // the preview shows the service ids without them
}

// ---------------------------------------------------------------------------------------------
// Signed in
// ---------------------------------------------------------------------------------------------

function renderWho() {
  if (!S.me) return;
  $('who').textContent = t('signed_in_as', S.me.email, t('roles')[S.me.role] ?? S.me.role);
}

function renderOffices() {
  const select = $('cl-office');
  const chosen = select.value;
  const options = (S.me?.offices || []).map((o) => [o.id, o.name]);
  if (S.me?.role === 'admin') options.push([ALL_OFFICES, t('cl_all_offices')]);
  const placeholder = options.length === 1 ? '' : `<option value="">${esc(t('cl_office_choose'))}</option>`;
  select.innerHTML = placeholder + options.map(([id, name]) => `<option value="${esc(id)}">${esc(name)}</option>`).join('');
  select.value = options.some(([id]) => id === chosen) ? chosen : (options.length === 1 ? options[0][0] : '');
}

function showClosures(me, { focus }) {
  S.me = me;
  S.previewed = null;
  S.preview = null;
  S.saved = null;
  S.confirming = null;
  renderWho();
  const manages = MANAGING_ROLES.includes(me.role);
  const offices = me.offices || [];
  $('not-manager').hidden = manages;
  $('no-office').hidden = !manages || offices.length > 0;
  $('closures-work').hidden = !manages || offices.length === 0;
  if (focus) $('page-title').focus();
  if ($('closures-work').hidden) return;
  $('closure-form').reset(); // nothing left from whoever signed in before
  onSpanChange();
  clearMarks();
  renderOffices();
  hidePreview();
  $('saved').hidden = true;
  $('reopen-done').hidden = true;
  loadServiceNames();
  loadList();
}

// ---------------------------------------------------------------------------------------------
// The form and its preview
// ---------------------------------------------------------------------------------------------

function onSpanChange() {
  const someHours = $('cl-some-hours').checked;
  $('cl-hours-fields').hidden = !someHours;
  if (!someHours) markField('hours', '');
}

function markField(field, message) {
  const { inputs, error } = FIELDS[field];
  for (const id of inputs) fieldError($(id), $(error), message);
}

function clearMarks() {
  for (const field of Object.keys(FIELDS)) markField(field, '');
  showText($('form-error'), '');
}

/** The form as the API takes it, and what is missing or wrong before asking. */
function readForm() {
  const office = $('cl-office').value;
  const from = $('cl-from').value;
  const to = $('cl-to').value;
  const someHours = $('cl-some-hours').checked;
  const start = $('cl-hours-from').value;
  const end = $('cl-hours-to').value;
  const reasonIt = $('cl-reason-it').value.trim();
  const reasonEn = $('cl-reason-en').value.trim();
  const problems = [];
  if (!office) problems.push(['office_id', t('err_cl_office')]);
  if (!from) problems.push(['from', t('err_cl_from')]);
  if (from && to && to < from) problems.push(['to', t('err_cl_order')]);
  if (someHours && (!start || !end)) problems.push(['hours', t('err_cl_hours')]);
  else if (someHours && end <= start) problems.push(['hours', t('err_cl_hours_order')]);
  if (!reasonIt) problems.push(['reason_it', t('err_cl_reason_it')]);
  if (!reasonEn) problems.push(['reason_en', t('err_cl_reason_en')]);
  const form = {
    office_id: office === ALL_OFFICES || !office ? null : office,
    from,
    to: to || null,
    hours: someHours ? `${start}-${end}` : null,
    reason_it: reasonIt,
    reason_en: reasonEn,
  };
  return { form, problems };
}

/** Marks each field at fault with its message and moves the focus to the first. */
function showProblems(problems) {
  for (const [field, message] of problems) markField(field, message);
  announce(t('cl_fix', problems.length));
  $(FIELDS[problems[0][0]].inputs[0]).focus();
}

/** An API problem: beside its field when it names one, else at the top of the form. */
function showApiProblem(error, alertId = 'form-error') {
  const field = error.field;
  if (field && FIELDS[field]) {
    hidePreview();
    showProblems([[field, error.message]]);
    return;
  }
  showText($(alertId), error.message);
  $(alertId).focus();
}

function hidePreview() {
  $('preview').hidden = true;
  showText($('save-error'), '');
  S.previewed = null;
  S.preview = null;
}

async function onPreview(event) {
  event.preventDefault();
  clearMarks();
  $('saved').hidden = true;
  S.saved = null;
  hidePreview();
  const { form, problems } = readForm();
  if (problems.length) {
    showProblems(problems);
    return;
  }
  const button = $('cl-preview');
  button.disabled = true;
  announce(t('cl_checking'));
  try {
    const [preview] = await Promise.all([staffApi.previewClosure(form), loadServiceNames()]);
    S.previewed = form;
    S.preview = preview;
    renderPreview();
    $('preview').hidden = false;
    $('preview-title').focus();
    announce(`${t('cl_preview_title')}: ${$('preview-count').textContent}.`);
  } catch (error) {
    if (error.status !== 401) showApiProblem(error);
  } finally {
    button.disabled = false;
  }
}

function bookingRow(booking) {
  return `
    <tr>
      <td>${esc(formatDay(booking.date))}<br><span class="nowrap">${esc(booking.start)}–${esc(booking.end)}</span></td>
      <td>${esc(serviceName(booking.service_id))}</td>
      <th scope="row" class="nowrap code">${esc(spacedCode(booking.short_code))}</th>
      <td><span class="state state-${esc(booking.state)}">${esc(t('booking_states')[booking.state] ?? booking.state)}</span></td>
    </tr>`;
}

function renderPreview() {
  const { previewed: form, preview } = S;
  if (!form || !preview) return;
  $('preview-what').textContent = t('cl_preview_what', officeLabel(form.office_id), periodText(form));
  $('preview-count').textContent = t('cl_preview_count', preview.displaced);
  $('preview-slots').textContent = t('cl_preview_slots', preview.slots);
  showText($('preview-holds'), preview.holds ? t('cl_preview_holds', preview.holds) : '');
  const bookings = preview.bookings || [];
  $('preview-bookings').hidden = bookings.length === 0;
  $('preview-body').innerHTML = bookings.map(bookingRow).join('');
}

async function onSave() {
  if (!S.previewed) return;
  const button = $('cl-save');
  button.disabled = true;
  showText($('save-error'), '');
  announce(t('cl_saving'));
  try {
    const saved = await staffApi.saveClosure(S.previewed);
    hidePreview();
    resetForm();
    S.saved = saved;
    renderSaved();
    $('saved').hidden = false;
    $('saved').focus();
    announce($('saved').textContent.replace(/\s+/g, ' ').trim());
    loadList();
  } catch (error) {
    if (error.status !== 401) showApiProblem(error, 'save-error');
  } finally {
    button.disabled = false;
  }
}

function renderSaved() {
  const saved = S.saved;
  if (!saved) return;
  const closure = saved.closure;
  $('saved').innerHTML = `
    <p class="h5 mb-2">${esc(t('cl_saved_title'))}</p>
    <p class="mb-2">${esc(t('cl_preview_what', officeLabel(closure.office_id), periodText(closure)))}</p>
    <p class="mb-2"><strong>${esc(t('cl_saved_told', saved.told))}</strong></p>
    ${saved.released_holds ? `<p class="mb-2">${esc(t('cl_saved_holds', saved.released_holds))}</p>` : ''}`;
}

function resetForm() {
  const office = $('cl-office').value;
  $('closure-form').reset();
  $('cl-office').value = office;
  onSpanChange();
  clearMarks();
}

function onEdit() {
  hidePreview();
  $(FIELDS.from.inputs[0]).focus();
}

/** A change to the form after "Verifica effetto": the preview no longer says what would be saved. */
function onFormEdited() {
  if (!$('preview').hidden) hidePreview();
}

// ---------------------------------------------------------------------------------------------
// The closures in force, and undoing one
// ---------------------------------------------------------------------------------------------

async function loadList() {
  try {
    const { closures } = await staffApi.closures();
    S.closures = closures || [];
    showText($('list-error'), '');
    renderList();
  } catch (error) {
    if (error.status === 401) return;
    showText($('list-error'), `${t('cl_list_failed')} ${error.message}`);
  }
}

function closureItem(closure) {
  const id = esc(closure.id);
  const title = `${officeLabel(closure.office_id)}, ${periodText(closure)}`;
  let action = '';
  if (closure.reopened_at) {
    action = `<p class="mb-0">${esc(t('cl_reopened_at', formatInstant(closure.reopened_at)))}</p>`;
  } else if (!closure.office_id && S.me?.role !== 'admin') {
    action = ''; // a closure of every office is undone by an administrator
  } else if (S.confirming === closure.id) {
    action = `
      <div class="closure-confirm" role="group" aria-labelledby="ask-${id}">
        <p id="ask-${id}" tabindex="-1">${esc(t('cl_reopen_ask'))}</p>
        <div class="button-row">
          <button type="button" class="btn btn-danger btn-sm" data-reopen-yes="${id}">${esc(t('cl_reopen_yes'))}</button>
          <button type="button" class="btn btn-outline-primary btn-sm" data-reopen-no="${id}">${esc(t('cl_reopen_no'))}</button>
        </div>
      </div>`;
  } else {
    action = `<button type="button" class="btn btn-outline-danger btn-sm" data-reopen="${id}">${esc(t('cl_reopen'))}<span class="visually-hidden">: ${esc(title)}</span></button>`;
  }
  return `
    <li data-closure="${id}">
      <h3>${esc(title)}</h3>
      <p><strong>${esc(t('cl_reason_label_it'))}</strong> <span lang="it">${esc(closure.reason_it)}</span></p>
      <p><strong>${esc(t('cl_reason_label_en'))}</strong> <span lang="en">${esc(closure.reason_en)}</span></p>
      <p class="small">${esc(t('cl_saved_by', closure.saved_by, formatInstant(closure.saved_at)))}</p>
      ${action}
    </li>`;
}

/** Soonest first: by first day, then hours (a whole day first). */
function byStart(a, b) {
  return a.from.localeCompare(b.from) || String(a.hours ?? '').localeCompare(String(b.hours ?? ''));
}

function renderList() {
  const inForce = S.closures.filter((c) => !c.reopened_at).sort(byStart);
  const reopened = S.closures.filter((c) => c.reopened_at).sort(byStart);
  $('list-none').hidden = inForce.length > 0;
  $('closure-list').innerHTML = inForce.map(closureItem).join('');
  $('closure-list').hidden = inForce.length === 0;
  $('reopened-block').hidden = reopened.length === 0;
  $('reopened-list').innerHTML = reopened.map(closureItem).join('');
}

async function onListClick(event) {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.reopen) {
    S.confirming = button.dataset.reopen;
    $('reopen-done').hidden = true;
    renderList();
    $(`ask-${S.confirming}`)?.focus();
  } else if (button.dataset.reopenNo) {
    const id = button.dataset.reopenNo;
    S.confirming = null;
    renderList();
    $('closure-list').querySelector(`[data-reopen="${CSS.escape(id)}"]`)?.focus();
  } else if (button.dataset.reopenYes) {
    await reopen(button.dataset.reopenYes, button);
  }
}

async function reopen(id, button) {
  button.disabled = true;
  try {
    const { closure } = await staffApi.reopenClosure(id);
    S.confirming = null;
    S.closures = S.closures.map((c) => (c.id === id ? closure : c));
    renderList();
    showText($('reopen-done'), t('cl_reopened'));
    $('reopen-done').focus();
    announce(t('cl_reopened'));
  } catch (error) {
    if (error.status === 401) return;
    S.confirming = null;
    await loadList();
    showText($('list-error'), error.message);
    $('list-error').focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Language and start
// ---------------------------------------------------------------------------------------------

async function onLanguage() {
  translate();
  setTitle();
  renderWho();
  if (!S.me) return;
  renderOffices();
  await loadServiceNames();
  renderPreview();
  renderSaved();
  renderList();
}

function bind() {
  $('closure-form').addEventListener('submit', onPreview);
  $('closure-form').addEventListener('input', onFormEdited);
  $('closure-form').addEventListener('change', onFormEdited);
  for (const radio of document.querySelectorAll('input[name="span"]')) radio.addEventListener('change', onSpanChange);
  $('cl-save').addEventListener('click', onSave);
  $('cl-edit').addEventListener('click', onEdit);
  $('closure-list').addEventListener('click', onListClick);
  document.addEventListener('prenota:lang', onLanguage);
}

const signIn = staffSignIn({
  view: 'view-closures',
  onSignedIn: showClosures,
  onSignedOut: () => { S.me = null; },
});
initChrome();
translate();
setTitle();
bind();
signIn.start();
