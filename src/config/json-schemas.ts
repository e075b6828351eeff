import { z } from 'zod';
import { configSchemaDescribing, type CheckOptionsDescription } from './schema.js';

/**
 * JSON Schemas generated from the zod schemas, committed under schemas/ for editor completion
 * (`# yaml-language-server: $schema=…`). A test fails when the committed files fall out of step.
 */
const BASE_URL = 'https://mimir.dev/schemas';

export function toJsonSchema(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  // "input" describes what a user may write: fields with defaults are optional.
  return { ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', reused: 'ref' }), $id: `${BASE_URL}/${id}`, title };
}

/** mimir.yaml's JSON Schema with these checks' options spelled out under `policy.checks` (config knows no checks itself). */
export function configJsonSchemaFor(checks: readonly CheckOptionsDescription[]): Record<string, unknown> {
  return toJsonSchema(configSchemaDescribing(checks), 'mimir.schema.json', 'mimir.yaml');
}
