// The offices on an OpenStreetMap map. Leaflet (150 KB) is fetched only here, on "Scegli sede".
// The list under the map is the primary way to choose: when Leaflet or the tiles cannot load
// (offline, blocked), the map says so and everything else keeps working.
import { t } from './i18n.js';

const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
let leafletLoading = null;

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

function sayMapFailed(statusElement) {
  statusElement.textContent = t('map_failed');
  statusElement.hidden = false;
}

/** Draws the offices in `container`; `onChoose(officeId)` is called when a marker is activated. */
export async function showOfficesMap(container, statusElement, offices, onChoose) {
  let L;
  try {
    L = await loadLeaflet();
  } catch {
    sayMapFailed(statusElement);
    return null;
  }
  if (!container.isConnected) return null;
  const map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
  const tiles = L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION });
  tiles.once('tileerror', () => sayMapFailed(statusElement));
  tiles.addTo(map);
  // No marker shadow: Leaflet ships it at 1x only, blurred on today's phones (Lighthouse's
  // image-size-responsive), and it carries no information.
  const icon = L.icon({
    iconUrl: '/assets/leaflet/images/marker-icon.png',
    iconRetinaUrl: '/assets/leaflet/images/marker-icon-2x.png',
    iconSize: [25, 41], iconAnchor: [12, 41],
  });
  const points = offices.map((office) => {
    // Leaflet makes each marker a focusable role="button" but does nothing on Enter: Enter and
    // Space choose the office as a click does (Space without scrolling the page).
    L.marker([office.lat, office.lon], { icon, title: t('map_marker', office.name), alt: t('map_marker', office.name) })
      .on('click', () => onChoose(office.id))
      .on('keydown', ({ originalEvent: key }) => {
        if (key.key !== 'Enter' && key.key !== ' ') return;
        key.preventDefault();
        if (!key.repeat) onChoose(office.id);
      })
      .addTo(map);
    return [office.lat, office.lon];
  });
  if (points.length === 1) map.setView(points[0], 16);
  else if (points.length > 1) map.fitBounds(points, { padding: [30, 30] });
  else map.setView([45.698, 9.677], 14);
  return map;
}
