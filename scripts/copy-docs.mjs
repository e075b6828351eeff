// Copies each check's doc page next to its compiled module, so `mimir explain` works from dist/.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const areas = readdirSync('src/checks', { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'test-support');
let copied = 0;
for (const area of areas) {
  for (const file of readdirSync(join('src/checks', area.name))) {
    if (!file.endsWith('.md')) continue;
    cpSync(join('src/checks', area.name, file), join('dist/checks', area.name, file));
    copied++;
  }
}
console.log(`copied ${copied} check doc pages into dist/`);
