import { toJsonSchema } from '../../config/json-schemas.js';
import { scenarioFileSchema } from './scenario-schema.js';

/** The JSON Schema of a scenarios file, committed as schemas/scenarios.schema.json for editor completion. */
export function scenariosJsonSchema(): Record<string, unknown> {
  return toJsonSchema(scenarioFileSchema, 'scenarios.schema.json', 'mimir probe scenarios file');
}
