#!/usr/bin/env node
// `npm run check -- [-c lambdaDir=PATH] [-c routes=PATH]`: synthesizes the stack offline (cdk-nag's
// AwsSolutionsChecks run during the synth; any unacknowledged finding fails it), then prints the
// path of each synthesized template, for cfn-lint and tests/infra/check.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(appDir, 'cdk.out');
const env = { ...process.env, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION || 'eu-south-1' };
const started = Date.now();
const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outDir, ...process.argv.slice(2)], {
  cwd: appDir,
  env,
  stdio: 'inherit',
});
if (synth.status !== 0) {
  console.error(`cdk synth failed (exit ${synth.status ?? synth.signal})`);
  process.exit(synth.status || 1);
}
const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
const templates = Object.values(manifest.artifacts ?? {})
  .filter((artifact) => artifact.type === 'aws:cloudformation:stack')
  .map((artifact) => join(outDir, artifact.properties.templateFile));
console.error(`synth ok in ${((Date.now() - started) / 1000).toFixed(1)} s (cdk-nag AwsSolutionsChecks clean)`);
for (const template of templates) {
  console.log(template);
}
