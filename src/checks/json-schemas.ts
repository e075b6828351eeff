import { configJsonSchemaFor, toJsonSchema } from '../config/json-schemas.js';
import { answersFileSchema } from '../evidence/attestation/answers-file.js';
import { CHECKS } from './registry.js';

/**
 * The committed JSON Schemas of the files a user writes that name checks (schemas/mimir.schema.json,
 * schemas/answers.schema.json), complete for the built-in catalogue so that editors can complete
 * every check id and option. Written by `npm run schemas`; a test fails when they fall out of step.
 */
export function configJsonSchema(): Record<string, unknown> {
  return configJsonSchemaFor(CHECKS);
}

export function answersJsonSchema(): Record<string, unknown> {
  return toJsonSchema(answersFileSchema(CHECKS.map((c) => c.id)), 'answers.schema.json', 'mimir answers file');
}
