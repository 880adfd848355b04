// Picking an office's position on an OpenStreetMap map ("Scegli la posizione sulla mappa"): a
// click on the map puts its latitude and longitude in the fields and moves the marker; typing in
// the fields moves the marker. The fields are the way to set the position: the map only helps,
// and when Leaflet or its tiles cannot load it says so and the fields keep working. Leaflet is
// fetched only when the map is opened (as on "Scegli sede").
import { t } from '../sportello/texts.js';

const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
const BERGAMO = [45.698, 9.677];
let leafletLoading = null;
let current = null;

function loadLeaflet() {
  if (!leafletLoading) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/assets/leaflet/leaflet.css';
    document.head.append(css);
    // The UMD build sets window.L when evaluated as a module.
    leafletLoading = import('/assets/leaflet/leaflet.js').then(() => window.L);
  }
  return leafletLoading;
}

function failed(status) {
  status.textContent = t('ca_map_failed');
  status.hidden = false;
}

const coordinate = (input) => Number(String(input.value).trim().replace(',', '.'));

/** Closes the map drawn last (its container is about to go). */
export function closePositionMap() {
  current?.map.remove();
  current = null;
}

/**
 * Draws the map in `container` at the position of the fields `lat` and `lon` (Bergamo when they
 * hold none); `onPicked(lat, lon)` after a click has set them.
 */
export async function openPositionMap(container, status, lat, lon, onPicked) {
  closePositionMap();
  let L;
  try {
    L = await loadLeaflet();
  } catch {
    failed(status);
    return;
  }
  if (!container.isConnected) return;
  const here = () => {
    const point = [coordinate(lat), coordinate(lon)];
    return point.every(Number.isFinite) && Math.abs(point[0]) <= 90 && Math.abs(point[1]) <= 180 ? point : null;
  };
  const map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
  const tiles = L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION });
  tiles.once('tileerror', () => failed(status));
  tiles.addTo(map);
  const icon = L.icon({
    iconUrl: '/assets/leaflet/images/marker-icon.png',
    iconRetinaUrl: '/assets/leaflet/images/marker-icon-2x.png',
    iconSize: [25, 41], iconAnchor: [12, 41],
  });
  // The marker only shows where the fields say: not a control of its own.
  const marker = L.marker(here() ?? BERGAMO, { icon, interactive: false, keyboard: false, alt: '' });
  if (here()) marker.addTo(map);
  map.setView(here() ?? BERGAMO, here() ? 17 : 14);
  map.on('click', ({ latlng }) => {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    marker.setLatLng(latlng).addTo(map);
    lat.dispatchEvent(new Event('input', { bubbles: true }));
    onPicked(lat.value, lon.value);
  });
  const follow = () => {
    const point = here();
    if (!point) return;
    marker.setLatLng(point).addTo(map);
    map.panTo(point);
  };
  lat.addEventListener('change', follow);
  lon.addEventListener('change', follow);
  current = { map };
}
