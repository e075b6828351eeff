/**
 * Renders the red sample audit as HTML and takes full-page screenshots (screen and print) with
 * the system's Chromium, to look at the report. Not a test (no `.test.ts`): run it by hand with
 *
 *   node --input-type=module -e "const v = await import('vite'); const s = await v.createServer({ server: { middlewareMode: true }, appType: 'custom', logLevel: 'error' }); await s.ssrLoadModule('/test/report/html-screenshot.ts'); await s.close();"
 *
 * Output under /tmp/mimir-html: report.html, report.pdf, and full-page screenshots (report.png on
 * screen, report-narrow.png on a phone, report-print.png with print media), each also in parts.
 * CHROMIUM overrides the browser path (default /usr/bin/chromium).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { htmlReporter } from '../../src/report/html.js';
import { redAudit } from '../support/sample-audit.js';

const outDir = '/tmp/mimir-html';
mkdirSync(outDir, { recursive: true });
const file = join(outDir, 'report.html');
writeFileSync(file, htmlReporter.render(redAudit(), { color: false, width: 80 }));

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
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  await page.goto(`file://${file}`);
  // The full page is too tall to read at once: each variant is also cut into screen-sized parts.
  const shoot = async (name: string, width: number): Promise<void> => {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
    const height = await page.evaluate<number>('document.documentElement.scrollHeight');
    for (let y = 0, part = 1; y < height; y += 1400, part++) {
      await page.screenshot({ path: join(outDir, `${name}-part-${part}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(1400, height - y) } });
    }
  };
  await shoot('report', 1200);
  await shoot('report-narrow', 420);
  await page.emulateMedia({ media: 'print' });
  await shoot('report-print', 800);
  await page.pdf({ path: join(outDir, 'report.pdf'), format: 'A4' });
  console.log(requests.length === 0 ? 'no network requests' : `network requests: ${requests.join(', ')}`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
