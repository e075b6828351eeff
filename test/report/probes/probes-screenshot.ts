/**
 * Renders the probe samples as HTML (the `mimir probe --format html` page, and the section alone
 * inside a minimal page) and takes full-page screenshots with the system's Chromium, to look at
 * them. Not a test (no `.test.ts`): run it by hand with
 *
 *   node --input-type=module -e "const v = await import('vite'); const s = await v.createServer({ server: { middlewareMode: true }, appType: 'custom', logLevel: 'error' }); await s.ssrLoadModule('/test/report/probes/probes-screenshot.ts'); await s.close();"
 *
 * Output under /tmp/mimir-probes: <sample>.html and <sample>[-narrow|-print][-part-N].png.
 * CHROMIUM overrides the browser path (default /usr/bin/chromium). Screenshots are never committed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PROBE_PAGE_CSS, renderProbesHtml, renderProbesHtmlPage } from '../../../src/report/probes/index.js';
import { emptyProbeEvidence, maliciousProbeEvidence, passingProbeEvidence, realisticProbeEvidence } from './probes-sample.js';

/** The fragment alone in the smallest page that carries its stylesheet: what the audit report embeds. */
function minimalPage(fragment: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><style>${PROBE_PAGE_CSS}</style></head><body><main>\n${fragment}\n</main></body></html>\n`;
}

const outDir = '/tmp/mimir-probes';
mkdirSync(outDir, { recursive: true });
const pages: Record<string, string> = {
  realistic: minimalPage(renderProbesHtml(realisticProbeEvidence())),
  page: renderProbesHtmlPage(realisticProbeEvidence(), 'Back-office refund agent'),
  passing: minimalPage(renderProbesHtml(passingProbeEvidence())),
  empty: minimalPage(renderProbesHtml(emptyProbeEvidence())),
  malicious: minimalPage(renderProbesHtml(maliciousProbeEvidence())),
};

const userDataDir = mkdtempSync(join(tmpdir(), 'mimir-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  for (const [name, markup] of Object.entries(pages)) {
    const file = join(outDir, `${name}.html`);
    writeFileSync(file, markup);
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`file://${file}`);
    // Full pages are too tall to read at once: each is also cut into screen-sized parts.
    const shoot = async (shot: string, width: number): Promise<void> => {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(outDir, `${shot}.png`), fullPage: true });
      const height = await page.evaluate<number>('document.documentElement.scrollHeight');
      for (let y = 0, part = 1; y < height; y += 1400, part++) {
        await page.screenshot({ path: join(outDir, `${shot}-part-${part}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(1400, height - y) } });
      }
    };
    await shoot(name, 1200);
    if (name === 'realistic') {
      await shoot(`${name}-narrow`, 420);
      await page.emulateMedia({ media: 'print' });
      await shoot(`${name}-print`, 800);
    }
  }
  console.log(requests.length === 0 ? 'no network requests' : `network requests: ${requests.join(', ')}`);
  console.log(dialogs.length === 0 ? 'no script ran (no dialogs)' : `dialogs: ${dialogs.join(', ')}`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
