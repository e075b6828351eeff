import { z } from 'zod';
import { answersFileSchema } from '../evidence/attestation/answers-file.js';
import { CHECKS } from '../checks/registry.js';
import { configSchema } from './schema.js';

/**
 * JSON Schemas generated from the zod schemas, committed under schemas/ for editor completion
 * (`# yaml-language-server: $schema=…`). A test fails when the committed files fall out of step.
 */
const BASE_URL = 'https://mimir.dev/schemas';

export function toJsonSchema(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  // "input" describes what a user may write: fields with defaults are optional.
  return { ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', reused: 'ref' }), $id: `${BASE_URL}/${id}`, title };
}

export function configJsonSchema(): Record<string, unknown> {
  return toJsonSchema(configSchema, 'mimir.schema.json', 'mimir.yaml');
}

export function answersJsonSchema(): Record<string, unknown> {
  return toJsonSchema(answersFileSchema(CHECKS.map((c) => c.id)), 'answers.schema.json', 'mimir answers file');
}
