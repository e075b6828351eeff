import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

/** What the browser tests share: the app built by Vite from web/, and one headless Chromium per file. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds web/ into `outDir` with the project's own Vite config, as `npm run build:web` does. */
export async function buildWebApp(outDir: string): Promise<string> {
  await build({ configFile: join(import.meta.dirname, '../../../web/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** Debian's chromium (or $CHROMIUM), headless, with a page whose console errors and uncaught exceptions are collected. */
export async function openBrowser(profileDir: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A step that cannot happen fails in seconds, naming the step, rather than at the test's timeout.
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}
