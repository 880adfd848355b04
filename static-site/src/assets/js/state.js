// The wizard's state lives in sessionStorage so that a reload keeps the step, the choices, the
// hold (id and expires_at) and what was typed; it is gone when the tab is closed.
const KEY = 'prenota.wizard';

export function emptyState() {
  return {
    service: null, // {id, name, duration_minutes}
    office: null, // {id, name, address}
    date: null, // the day shown on "Scegli orario"
    slot: null, // {date, start, end} once held
    hold: null, // {id, expires_at}
    form: { name: '', surname: '', contact: '', details: '', accept: false },
    errors: {}, // field → message, from the API or our own checks
    result: null, // {channel, masked_contact, confirm_by} after INVIA
    notice: null, // a message to show once on the next step (expired, taken…)
    position: null, // {lat, lon} when the citizen shared it
  };
}

export function loadState() {
  try {
    return { ...emptyState(), ...JSON.parse(sessionStorage.getItem(KEY) || '{}') };
  } catch {
    return emptyState();
  }
}

export function saveState(state) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // Storage full or blocked: the wizard still works, only a reload loses the step.
  }
}
