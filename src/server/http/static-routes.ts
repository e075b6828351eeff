import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web UI's files, built by `npm run build` into dist/web/: `/` is its index.html, `/assets/…`
 * its scripts, styles and the like. Only files under that folder are served (no `..`, no encoded
 * separators, no links out of it), with their own content type and a Content-Security-Policy that
 * lets the page load nothing but this server's own scripts, styles and API.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** dist/web beside the compiled server (dist/server/http → dist/web), or the built one when running from src/. */
export function defaultWebRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'web'), join(here, '..', '..', '..', 'dist', 'web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? (candidates[0] as string);
}

/** True for the paths this handler answers: the page and its assets (everything not API or OTLP). */
export function isWebPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/assets/') || path === '/favicon.svg';
}

export async function handleStatic(path: string, request: IncomingMessage, response: ServerResponse, webRoot: string): Promise<void> {
  request.resume();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('the web UI is read with GET\n');
    return;
  }
  const file = await resolveFile(path, webRoot);
  if (file === undefined) {
    const missingBuild = !existsSync(join(webRoot, 'index.html'));
    const message = missingBuild ? `the web UI is not built (no ${join(webRoot, 'index.html')}): run \`npm run build\`\n` : `nothing at ${path}\n`;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(message);
    return;
  }
  const body = await readFile(file);
  // Vite names assets by their content hash, so they never change under the same name; the page itself is always re-read.
  const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': cache,
    ...SECURITY_HEADERS,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** The file a URL path names inside webRoot, or undefined: anything that could leave the folder is refused before the disk is asked. */
async function resolveFile(path: string, webRoot: string): Promise<string | undefined> {
  const relative = path === '/' ? 'index.html' : path.slice(1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  const parts = decoded.split('/');
  if (decoded.includes('\\') || decoded.includes('\0') || parts.some((part) => part === '' || part === '.' || part === '..' || part.startsWith('.'))) return undefined;
  try {
    const root = await realpath(webRoot);
    const real = await realpath(join(root, ...parts));
    return real.startsWith(root + sep) && (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
