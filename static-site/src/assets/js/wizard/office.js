// Step 2, "Scegli sede": the map (map.js, loaded only here), the list of offices with their first
// free slot, and the distance from the citizen when they share their position.
import { api } from '../api.js';
import { esc } from '../html.js';
import { currentLang, formatDate, formatDistance, formatRange, t } from '../i18n.js';
import { chosenServiceMarkup, errorBlock, noticeMarkup, stepHeading } from './markup.js';
import { go } from './nav.js';
import { content, persist, state } from './session.js';
import { openWaitingAt } from './waiting.js';

export async function renderOffice(fetched) {
  // What was fetched to choose the service was asked without the citizen's position.
  let data = state.position ? null : fetched;
  try {
    data ??= await api.offices(state.service.id, state.position);
  } catch (error) {
    content.innerHTML = `${stepHeading('office')}${errorBlock(error)}`;
    return;
  }
  state.service = { ...data.service, lang: currentLang() };
  content.innerHTML = `
    ${noticeMarkup()}
    ${chosenServiceMarkup()}
    ${stepHeading('office')}
    <p class="lead">${esc(t('office_lead'))}</p>
    <div class="geo">
      <button type="button" class="btn btn-outline-primary btn-sm" data-action="geolocate"><svg class="icon icon-sm icon-primary" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-map-marker-circle"></use></svg> ${esc(t('geo_button'))}</button>
      <small class="form-text d-block">${esc(t('geo_note'))}</small>
      <p id="geo-status" class="geo-status" role="status"></p>
    </div>
    <div class="office-map-wrap">
      <div id="office-map" class="office-map" role="region" aria-label="${esc(t('map_label'))}"></div>
      <p id="map-status" class="map-status alert alert-warning" role="status" hidden></p>
    </div>
    ${data.offices.length ? officeListMarkup(data.offices) : `<p>${esc(t('offices_none'))}</p>`}`;
  drawMap(data.offices);
}

function officeListMarkup(offices) {
  const items = offices.map((office) => {
    const distance = office.distance_m == null ? '' : `<span class="office-distance">${esc(formatDistance(office.distance_m))}</span> `;
    const first = office.first_slot
      ? `<p class="first-slot mb-3"><strong>${esc(t('first_slot'))}</strong><br>${esc(t('date'))}: ${esc(formatDate(office.first_slot.date))}<br>${esc(t('time'))}: ${esc(formatRange(office.first_slot.start, office.first_slot.end))}</p>`
      : `<p class="first-slot mb-3">${esc(t('no_slot'))}</p>`;
    // No free time: the office can still be waited for ("Avvisami se si libera un posto").
    const wait = office.first_slot
      ? ''
      : `<p class="mt-2 mb-0"><button type="button" class="btn btn-outline-primary btn-sm" data-action="office-waiting" data-id="${esc(office.id)}" aria-label="${esc(t('waiting_office_open', office.name))}">${esc(t('waiting_open'))}</button></p>`;
    return `
      <li class="office-item card card-bg" data-office="${esc(office.id)}">
        <div class="card-body">
          <h3 class="h5 card-title">${esc(office.name)}</h3>
          <p class="office-address">${distance}${esc(office.address)}</p>
          ${office.accessibility ? `<p class="office-accessibility"><strong>${esc(t('accessibility'))}</strong> ${esc(office.accessibility)}</p>` : ''}
          ${first}
          <button type="button" class="btn btn-primary btn-sm" data-action="office" data-id="${esc(office.id)}" ${office.first_slot ? '' : 'disabled'} aria-label="${esc(`${t('choose_office')}: ${office.name}`)}">${esc(t('choose_office'))}</button>
          ${wait}
        </div>
      </li>`;
  }).join('');
  return `<ol class="office-list list-unstyled">${items}</ol>`;
}

async function drawMap(offices) {
  const { showOfficesMap } = await import('../map.js');
  await showOfficesMap(document.getElementById('office-map'), document.getElementById('map-status'), offices, (id) => chooseOffice(id, offices));
}

/**
 * Chooses an office and moves to "Scegli orario"; `waiting`: an office with no free time, whose
 * "Avvisami se si libera un posto" opens that step with its form open and focused.
 */
export async function chooseOffice(id, offices, { waiting = false } = {}) {
  const office = offices ? offices.find((o) => o.id === id) : null;
  const found = office || (await api.offices(state.service.id)).offices.find((o) => o.id === id);
  if (!found) return;
  state.office = { id: found.id, name: found.name, address: found.address };
  state.date = found.first_slot?.date ?? null;
  if (waiting) openWaitingAt(found.id);
  await go('slot');
  if (waiting) document.getElementById('w-office-1')?.focus();
}

export function geolocate() {
  const status = document.getElementById('geo-status');
  if (!('geolocation' in navigator)) {
    status.textContent = t('geo_denied');
    return;
  }
  status.textContent = t('geo_wait');
  navigator.geolocation.getCurrentPosition(async (position) => {
    state.position = { lat: position.coords.latitude, lon: position.coords.longitude };
    persist();
    await renderOffice();
    document.getElementById('geo-status').textContent = t('geo_ok');
  }, () => {
    status.textContent = t('geo_denied');
  }, { timeout: 10000, maximumAge: 300000 });
}
