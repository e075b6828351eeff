import type { z } from 'zod';
import { UserError, type UserProblem } from '../../shared/errors.js';
import { readUserFile } from '../../shared/read-user-file.js';
import { locateInYaml, parseYamlSource, zodIssuesToProblems, type YamlSource } from '../../shared/yaml-source.js';
import type { ProbeScenario } from '../types.js';
import { scenarioFileSchema, type ParsedScenario, type ScenarioFile } from './scenario-schema.js';

export interface ScenarioDefaults {
  /** Trials for a scenario that does not set its own. */
  readonly trials: number;
}

const HINT =
  'Compare with schemas/scenarios.schema.json (your editor can complete keys from it): each scenario needs an id, a title, a task and at least one expectation under `expect`.';

/** Reads a scenario file (YAML or JSON); every problem is a located UserError. */
export async function loadScenarioFile(path: string, defaults: ScenarioDefaults): Promise<ProbeScenario[]> {
  const text = await readUserFile(path, 'scenario file');
  return parseScenarioFile(text, path, defaults);
}

export function parseScenarioFile(text: string, path: string, defaults: ScenarioDefaults): ProbeScenario[] {
  const source = parseYamlSource(text, path);
  const result = scenarioFileSchema.safeParse(source.document.toJS() ?? {});
  if (!result.success) {
    throw new UserError('invalid-scenarios', `${path} is not a valid scenario file`, { problems: toProblems(result.error.issues, source), hint: HINT });
  }
  rejectDuplicateIds(result.data, source);
  return result.data.scenarios.map((scenario, index) => toProbeScenario(scenario, index, source, defaults));
}

function toProbeScenario(scenario: ParsedScenario, index: number, source: YamlSource, defaults: ScenarioDefaults): ProbeScenario {
  const line = locateInYaml(source, ['scenarios', index])?.line;
  return {
    id: scenario.id,
    family: scenario.family,
    title: scenario.title,
    task: scenario.task,
    faults: scenario.faults,
    approvals: scenario.approvals,
    ...(scenario.killAfterCalls !== undefined && { killAfterCalls: scenario.killAfterCalls }),
    ...(scenario.followUp !== undefined && { followUp: scenario.followUp }),
    expect: scenario.expect,
    trials: scenario.trials ?? defaults.trials,
    source: { file: source.file, ...(line !== undefined && { line }), builtIn: false },
  };
}

/**
 * zod's issues as located problems. The shared converter gives custom issues no "expected"; the
 * scenario schema puts one in their params, so each issue is converted on its own and completed.
 */
function toProblems(issues: readonly z.core.$ZodIssue[], source: YamlSource): UserProblem[] {
  const problems = issues.flatMap((issue) => {
    const expected: unknown = issue.code === 'custom' ? issue.params?.expected : undefined;
    return zodIssuesToProblems([issue], source, scenarioFileSchema).map((problem) =>
      typeof expected === 'string' && problem.expected === undefined ? { ...problem, expected } : problem,
    );
  });
  // In file order, as an editor lists them.
  const position = (p: UserProblem): number => (p.location?.line ?? 0) * 1e6 + (p.location?.column ?? 0);
  return problems.sort((a, b) => position(a) - position(b));
}

/** Ids name scenarios in reports, findings and the ledger: a second one with the same id is an error. */
function rejectDuplicateIds(file: ScenarioFile, source: YamlSource): void {
  const first = new Map<string, number>();
  const problems: UserProblem[] = [];
  file.scenarios.forEach((scenario, index) => {
    const earlier = first.get(scenario.id);
    if (earlier === undefined) {
      first.set(scenario.id, index);
      return;
    }
    const earlierLine = locateInYaml(source, ['scenarios', earlier, 'id'])?.line;
    problems.push({
      message: `scenarios.${index}.id: duplicate scenario id "${scenario.id}", already used by scenarios.${earlier}${earlierLine === undefined ? '' : ` (line ${earlierLine})`}`,
      location: { file: source.file, ...locateInYaml(source, ['scenarios', index, 'id']) },
      expected: 'an id no other scenario in the file uses',
    });
  });
  if (problems.length > 0) {
    throw new UserError('invalid-scenarios', `${source.file} declares a scenario id twice`, { problems, hint: 'Give every scenario its own id.' });
  }
}
