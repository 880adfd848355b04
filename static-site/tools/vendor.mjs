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

/**
 * What pages share is written once, in src/partials/NAME.html, and put into them here:
 *  - <!-- include:NAME key="value" … --> (header, footer, head, crumbs) is replaced by the
 *    partial, indented like the directive;
 *  - a page that starts with <!-- layout:NAME key="value" … --> (the information pages) is the
 *    {{content}} of that partial, the rest of its lines.
 * Each {{key}} of a partial becomes the directive's value; an unknown partial or a {{key}} left
 * without a value stops the build.
 */
async function includePartials() {
  const dir = join(outDir, 'partials');
  const partials = {};
  for (const name of await readdir(dir)) {
    if (name.endsWith('.html')) partials[name.slice(0, -5)] = (await readFile(join(dir, name), 'utf8')).trimEnd();
  }
  const attributes = '((?:\\s+[a-z-]+="[^"]*")*)\\s*-->';
  const layout = new RegExp(`^<!-- layout:([a-z-]+)${attributes}\\n`);
  const include = new RegExp(`^([ \\t]*)<!-- include:([a-z-]+)${attributes}`, 'gm');
  for (const file of await filesUnder(outDir, ['.html'])) {
    if (file.startsWith(dir)) continue;
    const fill = (name, attributeText, extra = {}) => {
      if (!(name in partials)) throw new Error(`${file}: no partial src/partials/${name}.html`);
      const values = { ...Object.fromEntries([...attributeText.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]])), ...extra };
      return partials[name].replace(/\{\{([a-z-]+)\}\}/g, (_placeholder, key) => {
        if (!(key in values)) throw new Error(`${file}: ${name} needs ${key}="…"`);
        return values[key];
      });
    };
    let html = await readFile(file, 'utf8');
    const page = html.match(layout);
    if (page) html = `${fill(page[1], page[2], { content: html.slice(page[0].length).trimEnd() })}\n`;
    html = html.replace(include, (_, indent, name, attributeText) =>
      fill(name, attributeText).split('\n').map((line) => (line ? indent + line : line)).join('\n'));
    await writeFile(file, html);
  }
  await rm(dir, { recursive: true });
}

await includePartials();
const ours = await filesUnder(outDir, ['.html', '.js']);
const theirs = (await Promise.all(extraDirs.map((dir) => filesUnder(dir, ['.rs'])))).flat();
const content = [...ours.filter((file) => !file.includes('/leaflet/')), ...theirs];

await writeFile(join(outDir, 'assets/bootstrap-italia.min.css'), await purgeStylesheet(content));
await writeFile(join(outDir, 'assets/svg/sprites.svg'), await reduceSprite(ours));
