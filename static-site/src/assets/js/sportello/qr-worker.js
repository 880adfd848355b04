// Decodes QR codes off the main thread where the browser has no BarcodeDetector (scanner.js):
// jsQR (Apache-2.0, copied from npm into /assets/jsqr/ by static-site/build, served from our own
// origin) reads the frame the page posts and answers the code's text, or null.
/* global jsQR */
importScripts('/assets/jsqr/jsQR.js');

self.onmessage = (event) => {
  const { width, height, pixels } = event.data;
  const found = jsQR(new Uint8ClampedArray(pixels), width, height, { inversionAttempts: 'dontInvert' });
  self.postMessage(found ? found.data : null);
};
