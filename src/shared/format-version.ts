import { z } from 'zod';

/**
 * The `version: 1` a mimir YAML file (mimir.yaml, the answers file) starts with. Missing, it says
 * which line to add: the one key a hand-written file most often lacks.
 */
export function formatVersionOne(format: string) {
  return z.literal(1, { error: (issue) => (issue.input === undefined ? 'missing: add `version: 1` as the first line of the file' : `must be 1, the only ${format} format so far`) });
}
