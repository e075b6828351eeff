import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Audit } from '../../src/model/index.js';

/**
 * Golden files for reporters, under test/golden/. `UPDATE_GOLDEN=1 npx vitest run test/report`
 * rewrites them; review the diff before committing, it is the reporters' visible behaviour.
 */
export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/**
 * Replaces the values that change without the reporters changing — the generation time, mimir's
 * and the catalogue's versions — with placeholders, wherever a report prints them.
 */
export function maskVolatile(text: string, audit: Audit): string {
  const replacements: readonly (readonly [string, string])[] = [
    [audit.stamp.generatedAt, '<generatedAt>'],
    [audit.stamp.mimirVersion, '<mimirVersion>'],
    [audit.stamp.catalogueVersion, '<catalogueVersion>'],
  ];
  return replacements.reduce((masked, [value, placeholder]) => masked.replace(new RegExp(`(?<![\\w.])${escapeRegExp(value)}(?![\\w.])`, 'g'), placeholder), text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compares `actual` with the golden file `name`, or writes it when UPDATE_GOLDEN=1. */
export function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(path, 'utf8'));
}
