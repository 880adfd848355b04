// "Modifiche" on "Gestione sedi — Uffici e orari": the changes saved, newest first (GET
// /api/staff/catalogue/changes), each with who, when, what, how many appointments it displaced and
// the reason the citizens were told; "Annulla" asks first, then POST …/changes/{id}/undo. An undo
// may itself displace appointments: when the server answers reason_required, the reason is asked
// in both languages and the undo sent again with it. Also what a change is called in lists
// ("Orari di «CIE» a Ufficio 1"), which the page's own messages use too.
import { esc } from '../html.js';
import { staffApi } from '../sportello/api.js';
import { currentLang, t } from '../sportello/texts.js';
import { announce, fieldError, showText } from '../sportello/ui.js';
import { readReasons, reasonsMarkup } from './catalogue-form.js';

const $ = (id) => document.getElementById(id);

/** An API problem's code, whether the server spells it with dashes or underscores. */
export const problemCode = (error) => String(error?.code ?? '').replace(/-/g, '_');

/** An instant as Bergamo reads it: "2 feb 2027, 09:05". */
export function formatInstant(instant) {
  return new Intl.DateTimeFormat(currentLang() === 'en' ? 'en-GB' : 'it-IT', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome',
  }).format(new Date(instant));
}

export function officeName(S, id) {
  return S.offices.find((o) => o.id === id)?.name ?? id;
}

export function serviceName(S, id) {
  const service = S.services.find((s) => s.id === id);
  return service ? service.name[currentLang()] ?? service.name.it : id;
}

/** What a change (CHANGE: { office } | { service } | { offering } | { remove_offering }) is about. */
export function describeEdit(S, edit) {
  if (!edit) return t('ca_what_unknown');
  if (edit.office) return t('ca_what_office', edit.office.name);
  if (edit.service) return t('ca_what_service', edit.service.name?.[currentLang()] ?? edit.service.id);
  if (edit.offering) return t('ca_what_offering', serviceName(S, edit.offering.service), officeName(S, edit.offering.office));
  if (edit.remove_offering) {
    return t('ca_what_remove', serviceName(S, edit.remove_offering.service), officeName(S, edit.remove_offering.office));
  }
  return t('ca_what_unknown');
}

function describeEntry(S, entry) {
  const what = describeEdit(S, entry.edit);
  return entry.undoes ? t('ca_undo_title', what) : what;
}

/** Whether whoever is signed in manages every office a change touched. */
function mayUndo(S, entry) {
  if (S.me?.role === 'admin') return true;
  const mine = new Set(S.offices.filter((o) => o.may_edit).map((o) => o.id));
  return (entry.offices || []).length > 0 && entry.offices.every((office) => mine.has(office));
}

function confirmMarkup(id, undo) {
  return `
    <div class="closure-confirm" role="group" aria-labelledby="undo-ask-${id}">
      <p id="undo-ask-${id}" tabindex="-1">${esc(t('ca_undo_ask'))}</p>
      ${undo.needReasons ? `<p class="mb-2">${esc(t('ca_undo_reasons'))}</p>${reasonsMarkup('undo', undo.reasons)}` : ''}
      <div id="undo-error" class="alert alert-danger" role="alert" tabindex="-1" hidden></div>
      <div class="button-row">
        <button type="button" class="btn btn-danger btn-sm" data-undo-yes="${id}">${esc(t('ca_undo_yes'))}</button>
        <button type="button" class="btn btn-outline-primary btn-sm" data-undo-no="${id}">${esc(t('ca_undo_no'))}</button>
      </div>
    </div>`;
}

function entryMarkup(S, entry, undoneBy) {
  const id = esc(entry.id);
  const what = describeEntry(S, entry);
  let action = '';
  if (undoneBy) {
    action = `<p class="mb-0">${esc(t('ca_history_undone', undoneBy.version, formatInstant(undoneBy.at)))}</p>`;
  } else if (S.undo?.id === entry.id) {
    action = confirmMarkup(id, S.undo);
  } else if (mayUndo(S, entry)) {
    action = `<button type="button" class="btn btn-outline-danger btn-sm" data-undo="${id}">${esc(t('ca_undo'))}<span class="visually-hidden">: ${esc(what)}, ${esc(t('ca_version', entry.version))}</span></button>`;
  }
  const undone = entry.undoes ? S.changes.find((c) => c.id === entry.undoes) : null;
  const reasons = entry.reason_it || entry.reason_en ? `
      <p><strong>${esc(t('cl_reason_label_it'))}</strong> <span lang="it">${esc(entry.reason_it ?? '')}</span></p>
      <p><strong>${esc(t('cl_reason_label_en'))}</strong> <span lang="en">${esc(entry.reason_en ?? '')}</span></p>` : '';
  return `
    <li data-change="${id}">
      <h3>${esc(what)}</h3>
      <p class="small">${esc(t('ca_history_by', entry.version, entry.by, formatInstant(entry.at)))}</p>
      ${undone ? `<p>${esc(t('ca_history_undoes', undone.version))}</p>` : ''}
      <p>${esc(t('ca_history_displaced', entry.displaced ?? 0))}</p>
      ${reasons}
      ${action}
    </li>`;
}

export function renderHistory(S) {
  const list = $('history-list');
  const changes = S.changes || [];
  const undoneBy = new Map(changes.filter((c) => c.undoes).map((c) => [c.undoes, c]));
  $('history-none').hidden = changes.length > 0;
  list.hidden = changes.length === 0;
  list.innerHTML = changes.map((entry) => entryMarkup(S, entry, undoneBy.get(entry.id))).join('');
}

export async function loadHistory(S) {
  try {
    const { changes } = await staffApi.catalogueChanges();
    S.changes = changes || [];
    showText($('history-error'), '');
  } catch (error) {
    if (error.status === 401) return;
    showText($('history-error'), `${t('ca_history_failed')} ${error.message}`);
  }
  renderHistory(S);
}

/**
 * The list's buttons. `reload()` asks the catalogue and the history again; `onUndone(saved)` shows
 * the answer of an undo once both are reloaded.
 */
export function bindHistory(S, { reload, onUndone }) {
  const list = $('history-list');
  const keepReasons = () => {
    if (S.undo?.needReasons && $('undo-reason-it')) S.undo.reasons = readReasons('undo').reasons;
  };
  list.addEventListener('input', keepReasons);
  list.addEventListener('click', async (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.dataset.undo) {
      S.undo = { id: button.dataset.undo, needReasons: false, reasons: { it: '', en: '' } };
      $('undo-done').hidden = true;
      renderHistory(S);
      $(`undo-ask-${S.undo.id}`)?.focus();
    } else if (button.dataset.undoNo) {
      const id = button.dataset.undoNo;
      S.undo = null;
      renderHistory(S);
      list.querySelector(`[data-undo="${CSS.escape(id)}"]`)?.focus();
    } else if (button.dataset.undoYes) {
      await undo(S, button, { reload, onUndone });
    }
  });
}

async function undo(S, button, { reload, onUndone }) {
  const undoing = S.undo;
  const body = { version: S.version };
  if (undoing.needReasons) {
    const { reasons, problems } = readReasons('undo');
    undoing.reasons = reasons;
    if (problems.length) {
      for (const [id, message] of problems) fieldError($(id), $(`${id}-error`), message);
      announce(t('cl_fix', problems.length));
      $(problems[0][0]).focus();
      return;
    }
    body.reason_it = reasons.it;
    body.reason_en = reasons.en;
  }
  button.disabled = true;
  announce(t('ca_undoing'));
  try {
    const saved = await staffApi.undoCatalogueChange(undoing.id, body);
    S.undo = null;
    await reload();
    onUndone(saved);
  } catch (error) {
    button.disabled = false;
    if (error.status === 401) return;
    const code = problemCode(error);
    if (code === 'reason_required') {
      undoing.needReasons = true;
      renderHistory(S);
      fieldError($('undo-reason-it'), $('undo-reason-it-error'), error.message);
      $('undo-reason-it').focus();
      announce(error.message);
      return;
    }
    if (code === 'catalogue_changed') {
      S.undo = null;
      await reload();
      showText($('history-error'), t('ca_changed_reloaded'));
      $('history-error').focus();
      return;
    }
    showText($('undo-error'), error.message);
    $('undo-error').focus();
  }
}
