// Starts one Prenota server (the one-machine binary) for a test file: a free port on 127.0.0.1,
// a fresh data folder, the repo root as working directory (so it finds infra/catalogue), the
// built static site. Waits for /api/health; stop() kills it and removes the data folder.
// The per-client limits are off (PRENOTA_LIMITS=off): every browser of a test file is the one
// client 127.0.0.1, which would soon exceed a citizen's holds; a test of the limits sets them on.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BINARY = process.env.PRENOTA_SERVER_BIN || '/tmp/ui-server/prenota';

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(url, child, output) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prenota exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prenota did not answer /api/health within 20 s:\n${output.join('')}`);
}

/**
 * @param {object} [options]
 * @param {Record<string,string>} [options.env] extra settings, e.g. { PRENOTA_HOLD_TTL: '5s' } or
 *   { PRENOTA_LIMITS: 'on' }
 * @param {string} [options.catalogue] TOML text of a catalogue to load instead of Bergamo's
 * @param {{args: string[], input?: string}[]} [options.commands] commands of the server binary to
 *   run first, in order, with the server's settings (its PRENOTA_DATA, catalogue…), e.g.
 *   { args: ['staff', 'add', 'op@comune.bergamo.it', '--role', 'operator', '--password-stdin'], input: 'secret\n' };
 *   a command that fails stops the start. The answer's run(args, input) runs one more later.
 */
export async function startServer({ env = {}, catalogue, commands = [] } = {}) {
  const data = await mkdtemp(join(tmpdir(), 'prenota-browser-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const settings = {
    ...process.env,
    PRENOTA_ADDR: `127.0.0.1:${port}`,
    PRENOTA_DATA: data,
    PRENOTA_SITE: join(REPO, 'static-site/dist'),
    PRENOTA_LIMITS: 'off',
    ...env,
  };
  if (catalogue) {
    settings.PRENOTA_CATALOGUE = join(data, 'catalogue.toml');
    await writeFile(settings.PRENOTA_CATALOGUE, catalogue);
  }
  for (const command of commands) await runCommand(settings, command.args, command.input);
  const output = [];
  let child = await spawnServer(url, settings, output);
  return {
    url,
    output,
    /** Runs the server binary with these arguments and the server's settings; answers its stdout. */
    run: (args, input) => runCommand(settings, args, input),
    /**
     * Stops the server and starts it again on the same address and data, with `env` added to its
     * settings: e.g. { PRENOTA_DEV_NOW: … } to move its development clock to a later instant
     * (the clock only runs forward from where a start puts it).
     */
    async restart(env = {}) {
      await stopChild(child);
      Object.assign(settings, env);
      child = await spawnServer(url, settings, output);
    },
    async stop() {
      await stopChild(child);
      await rm(data, { recursive: true, force: true });
    },
  };
}

async function spawnServer(url, settings, output) {
  const child = spawn(BINARY, [], { cwd: REPO, env: settings, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  await waitForHealth(url, child, output);
  return child;
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Runs the binary with `args` and `settings` as its environment, `input` on its stdin. */
function runCommand(settings, args, input = '') {
  return new Promise((resolveRun, reject) => {
    const child = spawn(BINARY, args, { cwd: REPO, env: settings, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolveRun(Buffer.concat(out).toString());
      else reject(new Error(`prenota ${args.join(' ')} exited with ${code}:\n${Buffer.concat(err)}${Buffer.concat(out)}`));
    });
    child.stdin.on('error', () => {}); // a command that exits without reading: its exit code tells
    child.stdin.end(input);
  });
}
