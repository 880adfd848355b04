// Step 1, "Cerca servizio": the search as you type and the list of services.
import { api } from '../api.js';
import { esc } from '../html.js';
import { currentLang, t } from '../i18n.js';
import { errorBlock, noticeMarkup, stepHeading } from './markup.js';
import { go, renderStep } from './nav.js';
import { content, state } from './session.js';

let searchSerial = 0;

export async function renderService() {
  content.innerHTML = `
    ${noticeMarkup()}
    ${stepHeading('service')}
    <form class="search-form" role="search" data-form="search">
      <div class="form-group mb-2">
        <label for="service-search" class="active">${esc(t('search_label'))}</label>
        <input type="search" class="form-control" id="service-search" autocomplete="off" spellcheck="false" aria-describedby="search-hint search-status" aria-controls="service-results">
        <small id="search-hint" class="form-text">${esc(t('search_hint'))}</small>
      </div>
    </form>
    <p id="search-status" class="search-status" role="status"></p>
    <div id="service-results"></div>`;
  await showServices('');
}

export async function showServices(query) {
  const serial = ++searchSerial;
  const results = document.getElementById('service-results');
  const status = document.getElementById('search-status');
  let data;
  try {
    data = await api.services(query);
  } catch (error) {
    results.innerHTML = errorBlock(error);
    return;
  }
  if (serial !== searchSerial) return; // an older answer arriving after a newer one
  if (data.services.length) {
    status.textContent = query ? t('search_count', data.services.length) : '';
    results.innerHTML = serviceListMarkup(data.services);
    return;
  }
  const all = await api.services('').catch(() => ({ services: [] }));
  if (serial !== searchSerial) return;
  status.textContent = t('search_none', query);
  results.innerHTML = `
    <div class="callout note no-results"><p class="mb-2"><strong>${esc(t('search_none', query))}</strong></p><p class="mb-0">${esc(t('search_suggest'))}</p></div>
    ${serviceListMarkup(all.services)}`;
}

function serviceListMarkup(services) {
  const items = services.map((service) => `
    <li class="service-item card card-bg position-relative">
      <div class="card-body">
        <h3 class="h5 card-title"><button type="button" class="btn btn-link stretched-link service-choose" data-action="service" data-id="${esc(service.id)}">${esc(service.name)}</button></h3>
        <p class="card-text">${esc(service.summary)}</p>
        ${service.duration_minutes ? `<p class="service-duration mb-0"><svg class="icon icon-sm" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-clock"></use></svg> ${esc(t('duration'))}: ${esc(t('minutes', service.duration_minutes))}</p>` : ''}
      </div>
    </li>`).join('');
  return `<ul class="service-list list-unstyled">${items}</ul>`;
}

let searchTimer = 0;
export function onSearchInput(input) {
  clearTimeout(searchTimer);
  // A short pause so that each keystroke does not cost a request.
  searchTimer = setTimeout(() => showServices(input.value.trim()), 180);
}

export async function chooseService(id) {
  let data;
  try {
    data = await api.offices(id);
  } catch (error) {
    state.notice = { kind: 'warning', text: error.message };
    return renderStep('service');
  }
  state.service = { ...data.service, lang: currentLang() };
  state.office = null;
  state.date = null;
  await go('office', { offices: data });
}
