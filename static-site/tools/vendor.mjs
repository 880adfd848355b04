// Reduces Bootstrap Italia to what Prenota uses, so that the first page stays small:
//  - the stylesheet: PurgeCSS over our HTML and JS (class names built in JS appear there as
//    string literals) and over the server-rendered pages' Rust sources (read-only);
//  - the icon sprite: only the <symbol>s referenced as "sprites.svg#it-…".
// Usage: node tools/vendor.mjs <bootstrap-italia/dist> <out dir> [extra content dir…]
import { PurgeCSS } from 'purgecss';
import { readFile, writeFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const [biDir, outDir, ...extraDirs] = process.argv.slice(2);

async function filesUnder(dir, extensions) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext))) {
      found.push(join(entry.parentPath ?? entry.path, entry.name));
    }
  }
  return found;
}

async function purgeStylesheet(contentFiles) {
  const [result] = await new PurgeCSS().purge({
    content: contentFiles,
    css: [join(biDir, 'css/bootstrap-italia.min.css')],
    // Classes toggled by Bootstrap's own conventions or by the browser, not written anywhere.
    safelist: { standard: [/^was-validated$/, /^is-invalid$/, /^is-valid$/], greedy: [/data-focus-mouse/] },
    fontFace: true,
    keyframes: true,
  });
  return result.css;
}

async function reduceSprite(contentFiles) {
  const sprite = await readFile(join(biDir, 'svg/sprites.svg'), 'utf8');
  const wanted = new Set();
  for (const file of contentFiles) {
    for (const match of (await readFile(file, 'utf8')).matchAll(/sprites\.svg#(it-[a-z0-9-]+)/g)) {
      wanted.add(match[1]);
    }
  }
  const symbols = [...sprite.matchAll(/<symbol[^>]*\bid="([^"]+)"[\s\S]*?<\/symbol>/g)]
    .filter((match) => wanted.has(match[1]))
    .map((match) => match[0]);
  const missing = [...wanted].filter((id) => !symbols.some((symbol) => symbol.includes(`id="${id}"`)));
  if (missing.length) throw new Error(`icons not in Bootstrap Italia's sprite: ${missing.join(', ')}`);
  return `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join('')}</svg>\n`;
}

/** Header and footer are written once, in src/partials/, and put into every page here. */
async function includePartials() {
  const partials = {};
  for (const name of ['header', 'footer']) {
    partials[name] = (await readFile(join(outDir, 'partials', `${name}.html`), 'utf8')).trimEnd();
  }
  for (const file of await filesUnder(outDir, ['.html'])) {
    if (file.includes('/partials/')) continue;
    const html = await readFile(file, 'utf8');
    await writeFile(file, html.replace(/<!-- include:(header|footer) -->/g, (_, name) => partials[name]));
  }
  await rm(join(outDir, 'partials'), { recursive: true });
}

await includePartials();
const ours = await filesUnder(outDir, ['.html', '.js']);
const theirs = (await Promise.all(extraDirs.map((dir) => filesUnder(dir, ['.rs'])))).flat();
const content = [...ours.filter((file) => !file.includes('/leaflet/')), ...theirs];

await writeFile(join(outDir, 'assets/bootstrap-italia.min.css'), await purgeStylesheet(content));
await writeFile(join(outDir, 'assets/svg/sprites.svg'), await reduceSprite(ours));
