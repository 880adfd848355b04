// Reading the booking's QR code with the device's camera. The browser's BarcodeDetector where it
// has one (Chrome on Android, ChromeOS and macOS); elsewhere jsQR in a Web Worker (qr-worker.js).
// A few frames a second are enough: a QR code held in front of the camera stays there.

const FRAME_INTERVAL_MS = 150;
const MAX_DECODE_WIDTH = 640;

async function nativeDetector() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes('qr_code') ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

/** A decoder that takes a video frame and answers the QR code's text or null. */
function workerDecoder() {
  const worker = new Worker('/assets/js/sportello/qr-worker.js');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let pending = null;
  worker.onmessage = (event) => { pending?.(event.data); pending = null; };
  worker.onerror = () => { pending?.(null); pending = null; };
  return {
    decode(video) {
      const scale = Math.min(1, MAX_DECODE_WIDTH / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      return new Promise((resolve) => {
        pending = resolve;
        worker.postMessage({ width: canvas.width, height: canvas.height, pixels: data.buffer }, [data.buffer]);
      });
    },
    close() { worker.terminate(); },
  };
}

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices?.getUserMedia);
}

/**
 * Starts the back camera in `video` and calls onCode(text) once, with the first QR code seen;
 * then the camera is stopped. Answers { stop() }. Throws when the camera cannot be used
 * (refused, absent, or forbidden by the page's Permissions-Policy).
 */
export async function startScanner(video, onCode) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: false,
  });
  let stopped = false;
  const native = await nativeDetector();
  const fallback = native ? null : workerDecoder();
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    fallback?.close();
  };
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute('playsinline', '');
  try {
    await video.play();
  } catch (error) {
    stop();
    throw error;
  }
  const tick = async () => {
    if (stopped) return;
    let text = null;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      try {
        if (native) text = (await native.detect(video))[0]?.rawValue ?? null;
        else text = await fallback.decode(video);
      } catch {
        text = null;
      }
    }
    if (stopped) return;
    if (text) {
      stop();
      onCode(text);
      return;
    }
    setTimeout(tick, FRAME_INTERVAL_MS);
  };
  tick();
  return { stop };
}
