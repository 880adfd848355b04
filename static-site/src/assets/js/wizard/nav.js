// How a step moves the wizard without importing the router (app.js imports every step): app.js
// hands its functions over once at start, the steps call them through here.
let router = null;

/** @param {{go: Function, renderWizard: Function, route: Function}} functions */
export function setRouter(functions) {
  router = functions;
}

/** Moves to a step, pushed on the history (see app.js go). */
export function go(step, options) {
  return router.go(step, options);
}

/** Draws a step again in place, e.g. with a notice, without a history entry. */
export function renderStep(step, focus = false) {
  return router.renderWizard(step, focus);
}

/** Shows what the address asks for (a retry after an error). */
export function route(options) {
  return router.route(options);
}
