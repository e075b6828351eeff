import { z } from 'zod';
import type { Policy } from '../model/index.js';
import type { AnyCheck } from '../checks/define-check.js';
import { CHECKS } from '../checks/registry.js';
import { parseConfigFile, readConfigFile, CONFIG_HINT, type ConfigFile } from '../config/load-config.js';
import { checkOptionsSchema } from '../config/schema.js';
import { UserError, type UserProblem } from '../shared/errors.js';
import { closestMatch } from '../shared/suggest.js';
import { locateInYaml, throwIfInvalid } from '../shared/yaml-source.js';

/** mimir.yaml ready for an audit: its check ids known and each check's options parsed, with defaults. */
export interface LoadedConfig extends Omit<ConfigFile, 'policy' | 'source'> {
  readonly policy: Policy;
}

/** Reads mimir.yaml for an audit of `checks` (the built-in catalogue, and any custom checks after it). */
export async function loadConfig(path: string, checks: readonly AnyCheck[] = CHECKS): Promise<LoadedConfig> {
  return configureChecks(await readConfigFile(path), checks);
}

export function parseConfig(text: string, path: string, checks: readonly AnyCheck[] = CHECKS): LoadedConfig {
  return configureChecks(parseConfigFile(text, path), checks);
}

/**
 * Judges what config leaves to the checks: every id under `policy.checks` and `policy.disabled` must
 * name one of `checks`, and each check's options must satisfy its own options schema. Problems are
 * located in mimir.yaml and reported as config's own are.
 */
export function configureChecks(file: ConfigFile, checks: readonly AnyCheck[]): LoadedConfig {
  const { source, policy, config, ...rest } = file;
  // Parsed where it sits in the file, so that problems carry their full path and "did you mean" finds the ids.
  const schema = z.object({ policy: z.object({ checks: checkOptionsSchema(checks) }) });
  const parsed = throwIfInvalid(schema.safeParse({ policy: { checks: config.policy.checks } }), source, 'invalid-config', 'mimir.yaml', CONFIG_HINT, schema);
  const checkOptions: Record<string, Record<string, unknown>> = {};
  for (const [id, options] of Object.entries(parsed.policy.checks)) {
    if (options) checkOptions[id] = options as Record<string, unknown>;
  }
  rejectUnknownDisabledChecks(file, checks);
  return { ...rest, config: { ...config, policy: { ...config.policy, checks: parsed.policy.checks } }, policy: { ...policy, checkOptions } };
}

function rejectUnknownDisabledChecks({ config, source }: ConfigFile, checks: readonly AnyCheck[]): void {
  const ids = checks.map((c) => c.id);
  const problems: UserProblem[] = [];
  const seen = new Set<string>();
  config.policy.disabled.forEach((entry, index) => {
    const location = { file: source.file, ...locateInYaml(source, ['policy', 'disabled', index, 'check']) };
    if (!ids.includes(entry.check)) {
      const suggestion = closestMatch(entry.check, ids);
      problems.push({
        message: `policy.disabled.${index}.check: unknown check id "${entry.check}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        location,
        expected: 'a check id from `mimir checks`',
      });
    } else if (seen.has(entry.check)) {
      problems.push({ message: `policy.disabled.${index}.check: "${entry.check}" is disabled twice`, location, expected: 'each check at most once' });
    }
    seen.add(entry.check);
  });
  if (problems.length > 0) {
    throw new UserError('unknown-check', `${source.file} disables checks it cannot`, { problems, hint: 'List the valid ids with `mimir checks`.' });
  }
}
