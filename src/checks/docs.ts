import { readFileSync } from 'node:fs';
import type { AnyCheck } from './define-check.js';

/** The doc page beside a check's module (copied into dist/ at build time). */
export function checkDocUrl(check: Pick<AnyCheck, 'id' | 'area'>): URL {
  return new URL(`./${check.area}/${check.id}.md`, import.meta.url);
}

export function readCheckDoc(check: Pick<AnyCheck, 'id' | 'area'>): string {
  return readFileSync(checkDocUrl(check), 'utf8');
}
