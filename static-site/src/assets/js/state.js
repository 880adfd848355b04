// The wizard's state lives in sessionStorage so that a reload keeps the step, the choices, the
// hold (id, expires_at and the seat of each person) and what was typed; it is gone when the tab
// is closed.
const KEY = 'prenota.wizard';

/** One person's names as typed on "Inserisci dati". */
export function emptyPerson() {
  return { name: '', surname: '' };
}

export function emptyState() {
  return {
    service: null, // {id, name, duration_minutes}
    office: null, // {id, name, address}
    date: null, // the day shown on "Scegli orario"
    people: 1, // how many people the booking is for ("Aggiungi un'altra persona")
    slot: null, // {date, start, end} once held: the chosen time
    seats: null, // [{start, end}] once held: person i sits at seats[i]
    hold: null, // {id, expires_at}
    form: { people: [emptyPerson()], contact: '', details: '', accept: false },
    errors: {}, // field → message, from the API or our own checks
    result: null, // {channel, masked_contact, confirm_by, people} after INVIA
    notice: null, // a message to show once on the next step (expired, taken…)
    waiting: null, // "Avvisami se si libera un posto" on Scegli orario: see wizard/waiting.js
    position: null, // {lat, lon} when the citizen shared it
  };
}

/** A state saved by an earlier version of the site (one person's name on the form) still loads. */
function upgrade(state) {
  const form = state.form ?? {};
  if (!Array.isArray(form.people)) {
    state.form = { ...emptyState().form, ...form, people: [{ name: form.name ?? '', surname: form.surname ?? '' }] };
    delete state.form.name;
    delete state.form.surname;
  }
  if (!Number.isInteger(state.people) || state.people < 1) state.people = 1;
  return state;
}

export function loadState() {
  try {
    return upgrade({ ...emptyState(), ...JSON.parse(sessionStorage.getItem(KEY) || '{}') });
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
