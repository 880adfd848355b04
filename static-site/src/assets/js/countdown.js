// "Tempo per completare la prenotazione": mm:ss (h:mm:ss from an hour up) left on the hold. It is
// computed at every tick from the hold's expires_at and the server's clock (see serverNow), not
// counted down by a client timer, so a sleeping phone or a wrong clock cannot show a wrong time.
// Screen readers hear it at 5 minutes and at 1 minute left (role="timer" itself is not live, or it
// would talk each second).
import { serverNow } from './api.js';
import { t } from './i18n.js';

const box = document.getElementById('countdown');
const display = document.getElementById('countdown-time');
const announcer = document.getElementById('announcer');
let timer = 0;
let running = null; // {expiresAt, onExpired, lastLeft}

function secondsLeft(expiresAt) {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - serverNow()) / 1000));
}

/** mm:ss, or h:mm:ss from an hour up (a seat offered from the waiting list is held for hours). */
function mmss(seconds) {
  const hours = Math.floor(seconds / 3600);
  const two = (n) => String(n).padStart(2, '0');
  const rest = `${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return hours ? `${hours}:${rest}` : rest;
}

function announceThresholds(previous, left) {
  if (previous > 300 && left <= 300 && left > 60) announcer.textContent = t('countdown_5');
  if (previous > 60 && left <= 60 && left > 0) announcer.textContent = t('countdown_1');
}

function tick() {
  const left = secondsLeft(running.expiresAt);
  display.textContent = mmss(left);
  box.classList.toggle('countdown-urgent', left <= 60);
  announceThresholds(running.lastLeft, left);
  running.lastLeft = left;
  if (left === 0) {
    const { onExpired } = running;
    stopCountdown();
    // After the current render has finished, so that the step being drawn is not drawn over.
    setTimeout(onExpired, 0);
  }
}

export function startCountdown(expiresAt, onExpired) {
  if (running && running.expiresAt === expiresAt) {
    running.onExpired = onExpired;
    return;
  }
  stopCountdown();
  running = { expiresAt, onExpired, lastLeft: secondsLeft(expiresAt) };
  box.hidden = false;
  tick();
  if (running) timer = setInterval(tick, 250);
}

export function stopCountdown() {
  clearInterval(timer);
  timer = 0;
  running = null;
  box.hidden = true;
}
