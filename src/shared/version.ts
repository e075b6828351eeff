import { readFileSync } from 'node:fs';

/** mimir's own version, read from package.json (two levels up from both src/shared and dist/shared). */
export const MIMIR_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
