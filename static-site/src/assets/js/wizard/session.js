// What every module of the wizard shares: the one state object (changed in place, saved in
// sessionStorage by persist()), the page's views, the step's content box and the polite live
// region.
import { emptyState, loadState, saveState } from '../state.js';

export const state = loadState();

export function persist() {
  saveState(state);
}

/** Starts afresh, keeping only the position the citizen shared. */
export function resetState() {
  const { position } = state;
  for (const key of Object.keys(state)) delete state[key];
  Object.assign(state, emptyState(), { position });
}

export const views = {
  home: document.getElementById('view-home'),
  wizard: document.getElementById('view-wizard'),
  my: document.getElementById('view-my'),
};

export const content = document.getElementById('step-content');

export function showView(name) {
  // The inline script in index.html hid the home page before the first paint when the address
  // asks for another view (no jump when the wizard replaces it); from here the views' hidden
  // attributes decide.
  document.documentElement.classList.remove('app-view');
  for (const [key, element] of Object.entries(views)) element.hidden = key !== name;
}

const announcer = document.getElementById('announcer');

export function announce(message) {
  // Cleared first so that the same message twice is read twice.
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}
