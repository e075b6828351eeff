import type { Audit } from '../model/index.js';
import type { Reporter } from './types.js';

/**
 * The audit itself, as pretty JSON: the machine-readable record `mimir diff` reads back, described
 * by schemas/report.schema.json. Nothing is rounded here; other reports round for reading.
 */
export const jsonReporter: Reporter<'json'> = {
  format: 'json',
  fileName: 'mimir-report.json',
  render(audit: Audit): string {
    return `${JSON.stringify(audit, null, 2)}\n`;
  },
};
