// A camera for the counter tests: a picture (the booking page's QR code) made into a short .y4m
// video with ffmpeg, and a Chromium whose fake capture device plays that file to getUserMedia,
// with the permission prompt answered yes. Chromium loops the file, so the QR code stays in view.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { ARTEFACTS } from './browser.mjs';

const run = promisify(execFile);
const FFMPEG = process.env.FFMPEG_PATH || '/usr/bin/ffmpeg';

/**
 * Writes `<name>.y4m` in tests/.artefacts/camera/: the picture at `png`, scaled without blurring
 * to 360×360 and centred on a white 640×480 frame (the quiet zone a QR code needs), 2 s at 10 fps.
 * Answers the file's path.
 */
export async function videoOfPicture(png, name) {
  const dir = join(ARTEFACTS, 'camera');
  await mkdir(dir, { recursive: true });
  const video = join(dir, `${name}.y4m`);
  await run(FFMPEG, [
    '-y', '-loglevel', 'error', '-loop', '1', '-i', png,
    '-vf', 'scale=360:360:flags=neighbor,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p',
    '-t', '2', '-r', '10', video,
  ]);
  return video;
}

/** A second Chromium whose camera shows `video` (a .y4m file); launch options as browser.mjs's. */
export function launchWithCamera(video) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`,
      '--autoplay-policy=no-user-gesture-required'],
  });
}
