// The two charts of "Gestione sedi — Statistiche", drawn with Chart.js 4 (npm chart.js, MIT),
// served from our origin at /assets/chartjs/ (static-site/build copies its UMD build) and loaded
// only on this page, by a dynamic import that sets window.Chart, as map.js loads Leaflet. Each
// canvas has role="img" and an aria-label said by the page (statistics.js); the tables hold the
// same numbers. No animation: the charts are drawn at once, also for who asks for less motion.

const CHART_JS = '/assets/chartjs/chart.umd.min.js';
let loading = null;

/** Chart.js, loaded once; rejects when it cannot be fetched. */
export function loadChartJs() {
  if (!loading) {
    loading = import(CHART_JS).then(() => {
      if (!window.Chart) throw new Error('Chart.js did not load');
      return window.Chart;
    });
    loading.catch(() => { loading = null; }); // a later try may succeed
  }
  return loading;
}

// Bootstrap Italia's colours, each series also told apart by its line and point (not colour alone).
const BLUE = '#0066cc';
const AMBER = '#a66300';
const RED = '#a61919';
const GREEN = '#008055';
const GREY = '#5c6f82';

const drawn = new Map();

/** The page's font (Titillium Web, served by us) for the charts' texts. */
function pageFont() {
  return getComputedStyle(document.body).fontFamily;
}

/** Up to this many days the bookings are bars, side by side; over it, lines. */
export const BARS_UP_TO = 14;

function series(label, data, colour, { dash = [], point = 'circle' } = {}) {
  return {
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderDash: dash,
    maxBarThickness: 32,
    pointStyle: point,
    pointRadius: 4,
    pointHoverRadius: 6,
    borderWidth: 2,
    spanGaps: true,
    tension: 0,
  };
}

function options(type, yTitle, { integers }) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      // Lines: each series' point in the legend; bars: their box.
      legend: { position: 'bottom', labels: { usePointStyle: type === 'line', boxWidth: 12, boxHeight: 12, color: '#1a1a1a' } },
      tooltip: { enabled: true },
    },
    scales: {
      x: { offset: true, ticks: { color: '#33485c', autoSkip: true, maxRotation: 0 }, grid: { display: false } },
      y: {
        beginAtZero: true,
        title: { display: true, text: yTitle, color: '#33485c' },
        ticks: { color: '#33485c', precision: integers ? 0 : undefined },
        grid: { color: '#e6e9f2' },
      },
    },
  };
}

/** Draws (or draws again) the chart of canvas `id`: `labels` on x, `datasets` as `type`. */
function draw(Chart, id, type, labels, datasets, yTitle, integers) {
  drawn.get(id)?.destroy();
  Chart.defaults.font.family = pageFont();
  Chart.defaults.font.size = 14;
  const canvas = document.getElementById(id);
  const chart = new Chart(canvas, { type, data: { labels, datasets }, options: options(type, yTitle, { integers }) });
  drawn.set(id, chart);
  return chart;
}

/**
 * Bookings by day: booked, cancelled, no-shows, served; bars for a few days, lines for more.
 * `days` are the API's by_day rows, `label` a day's short label, `texts` the series' and axis'
 * names in the page's language.
 */
export function drawBookings(Chart, days, label, texts) {
  const labels = days.map((day) => label(day.date));
  const type = days.length <= BARS_UP_TO ? 'bar' : 'line';
  return draw(Chart, 'chart-bookings', type, labels, [
    series(texts.booked, days.map((d) => d.booked), BLUE),
    series(texts.cancelled, days.map((d) => d.cancelled), AMBER, { dash: [6, 4], point: 'rect' }),
    series(texts.noShows, days.map((d) => d.no_shows), RED, { dash: [2, 3], point: 'triangle' }),
    series(texts.served, days.map((d) => d.served), GREEN, { point: 'rectRot' }),
  ], texts.axis, true);
}

/** Wait at the office by day: median and 90th percentile, in minutes (null: not measured). */
export function drawWait(Chart, days, label, minutes, texts) {
  const labels = days.map((day) => label(day.date));
  return draw(Chart, 'chart-wait', 'line', labels, [
    series(texts.median, days.map((d) => minutes(d.wait.median_s)), BLUE),
    series(texts.p90, days.map((d) => minutes(d.wait.p90_s)), GREY, { dash: [6, 4], point: 'rect' }),
  ], texts.axis, false);
}

/** Forgets the charts drawn (signing out). */
export function clearCharts() {
  for (const chart of drawn.values()) chart.destroy();
  drawn.clear();
}
