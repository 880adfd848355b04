// The services' names in the page's language, for the staff pages' lists (the counter's agenda,
// the closures' preview): GET /api/services, asked once per language.
import { staffApi } from './api.js';
import { currentLang } from './texts.js';

const cache = { lang: null, names: new Map() };

/** Service id → name; the last names known (empty at first) when the API cannot be reached. */
export async function serviceNames() {
  if (cache.lang === currentLang() && cache.names.size) return cache.names;
  try {
    const { services } = await staffApi.services();
    cache.names = new Map(services.map((s) => [s.id, s.name]));
    cache.lang = currentLang();
  } catch {
    // The pages show the service ids instead.
  }
  return cache.names;
}
