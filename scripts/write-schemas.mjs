// Regenerates the committed JSON Schemas from the zod schemas (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { answersJsonSchema, configJsonSchema } from '../dist/checks/json-schemas.js';
import { reportJsonSchema } from '../dist/report/report-schema.js';
import { scenariosJsonSchema } from '../dist/probe/scenarios/json-schema.js';

const schemas = {
  'schemas/mimir.schema.json': configJsonSchema(),
  'schemas/answers.schema.json': answersJsonSchema(),
  'schemas/report.schema.json': reportJsonSchema(),
  'schemas/scenarios.schema.json': scenariosJsonSchema(),
};
for (const [path, schema] of Object.entries(schemas)) {
  writeFileSync(path, JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote ${path}`);
}
