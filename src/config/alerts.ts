import { z } from 'zod';
import { VERDICTS, type Verdict } from '../model/index.js';
import { requireUniqueNames } from './unique-names.js';

/**
 * The `alerts:` section of mimir.yaml, for `mimir serve`: window rules over the figures `mimir traces`
 * and the audit compute, instant rules over one closed run, and where notifications go. Config only
 * names the figures; src/server/alerts/figures.ts reads them, keyed by this same list, so a figure
 * named here without a reader fails the typecheck.
 */

/** Alertable figures: what each reads is documented in the README ("Alert rules") and in figures.ts. */
export const ALERT_FIGURES = [
  'silent-failure-rate',
  'silent-failures-among-failed',
  'end-to-end-success',
  'step-reliability',
  'tool-reliability',
  'tool-error-rate',
  'pass-k',
  'unapproved-high-risk-calls',
  'denials-ignored',
  'verdict-score',
  'verdict',
] as const;
export type AlertFigure = (typeof ALERT_FIGURES)[number];

/** Figures with one series per tool; a rule may narrow them with `tool:`. */
export const PER_TOOL_FIGURES: ReadonlySet<AlertFigure> = new Set<AlertFigure>(['tool-reliability', 'tool-error-rate']);

/** Events that instant rules fire on, one notification per offending run. */
export const ALERT_EVENTS = ['unapproved-high-risk-call', 'denial-ignored'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

export const NO_DATA_POLICIES = ['keep-state', 'ok', 'alerting', 'no-data'] as const;
export type NoDataPolicy = (typeof NO_DATA_POLICIES)[number];

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration as written in mimir.yaml (`90s`, `10m`, `24h`, `7d`); undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration as mimir.yaml writes it (`30s`, `10m`, `24h`, `7d`); the serve section uses it too. */
export const durationSchema = z
  .string()
  .refine((text) => durationMs(text) !== undefined, { message: 'a duration such as 30s, 10m, 1h, 24h or 7d' })
  .describe('A duration: a whole number and a unit (ms, s, m, h, d), e.g. 10m, 24h, 7d.');

/** A queue's bound in entries, the same range wherever `mimir serve` queues work beside ingestion; the description says what overflows. */
export const queueCapacitySchema = (description: string) => z.number().int().min(1).max(100_000).default(1000).describe(description);

const ruleName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens')
  .describe('Names the rule in notifications and the alert history; unique.');

const threshold = z.union([z.number(), z.enum(VERDICTS)]);

/**
 * One schema for both kinds of rule, told apart by `figure` or `event`, rather than a union: a
 * union that fails reports only "invalid input", while this one names the key that is wrong.
 */
const ruleSchema = z
  .strictObject({
    name: ruleName,
    figure: z.enum(ALERT_FIGURES).optional().describe('A window rule: the figure it watches (README, "Alert rules").'),
    event: z
      .enum(ALERT_EVENTS)
      .optional()
      .describe('An instant rule, one notification per closed run in which the event happened. unapproved-high-risk-call: a high-risk tool ran without an approval before it. denial-ignored: a denied call ran anyway.'),
    window: durationSchema.optional().describe('Window rules: the time window the figure is computed over, e.g. 1h, 24h, 7d.'),
    above: threshold.optional().describe('Window rules: alert while the figure is above this value (strictly). Give `above` or `below`.'),
    below: threshold
      .optional()
      .describe('Window rules: alert while the figure is below this value (strictly). For `verdict`, a verdict: `below: yellow` alerts on red.'),
    minSamples: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Window rules, default 10: fewer samples than this (runs, steps, tasks or calls, as the figure counts them) are no data: the rule follows `noData`, never the figure's value."),
    for: durationSchema.optional().describe('Window rules, default 0s: the condition must hold this long (pending) before the alert fires.'),
    noData: z
      .enum(NO_DATA_POLICIES)
      .optional()
      .describe(
        'Window rules, default keep-state. Without data (no runs in the window, or fewer than minSamples): keep-state leaves the alert as it is, ok counts as not alerting, alerting as alerting, no-data puts the alert in its own no-data state (notified).',
      ),
    tool: z.string().min(1).optional().describe('Per-tool figures and instant rules: only tools matching this wildcard (* any run, ? one character).'),
    k: z.number().int().min(1).max(100).optional().describe('For pass-k: which k (default 2).'),
  })
  .superRefine((rule, context) => {
    for (const problem of ruleProblems(rule)) context.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
  })
  .transform((rule): WindowRuleConfig | InstantRuleConfig => {
    const { name, figure, event, window, above, below, minSamples, noData, tool, k } = rule;
    if (event !== undefined) return { name, event, ...(tool !== undefined && { tool }) };
    return {
      name,
      figure: figure ?? 'silent-failure-rate',
      window: window ?? '1h',
      ...(above !== undefined && { above }),
      ...(below !== undefined && { below }),
      minSamples: minSamples ?? DEFAULT_MIN_SAMPLES,
      for: rule.for ?? '0s',
      noData: noData ?? 'keep-state',
      ...(tool !== undefined && { tool }),
      ...(k !== undefined && { k }),
    };
  })
  .describe('A rule: a window rule (`figure`, `window`, `above` or `below`) or an instant rule (`event`).');

export const DEFAULT_MIN_SAMPLES = 10;

const WINDOW_ONLY = ['window', 'above', 'below', 'minSamples', 'for', 'noData', 'k'] as const;

function ruleProblems(rule: z.output<typeof ruleSchema.in>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  if (rule.event !== undefined) {
    if (rule.figure !== undefined) problems.push({ key: 'event', message: 'give `figure` (a window rule) or `event` (an instant rule), not both' });
    for (const key of WINDOW_ONLY) if (rule[key] !== undefined) problems.push({ key, message: `\`${key}\` belongs to window rules; an instant rule fires on each offending run` });
    return problems;
  }
  if (rule.figure === undefined) return [{ key: 'figure', message: 'a rule needs `figure` (a window rule) or `event` (an instant rule)' }];
  if (rule.window === undefined) problems.push({ key: 'window', message: 'a window rule needs `window`, e.g. 1h' });
  if ((rule.above === undefined) === (rule.below === undefined)) problems.push({ key: 'above', message: 'give exactly one of `above` or `below`' });
  for (const key of ['above', 'below'] as const) {
    const value = rule[key];
    if (value === undefined) continue;
    if (rule.figure === 'verdict' && typeof value !== 'string') problems.push({ key, message: 'for the verdict figure, the threshold is a verdict: green, yellow or red' });
    if (rule.figure !== 'verdict' && typeof value === 'string') problems.push({ key, message: `${rule.figure} is a number; only the verdict figure takes a verdict` });
  }
  if (rule.tool !== undefined && !PER_TOOL_FIGURES.has(rule.figure)) problems.push({ key: 'tool', message: `${rule.figure} is not per tool; \`tool\` applies to ${[...PER_TOOL_FIGURES].join(', ')}` });
  if (rule.k !== undefined && rule.figure !== 'pass-k') problems.push({ key: 'k', message: '`k` applies to the pass-k figure only' });
  return problems;
}

/** A window rule, defaults applied. */
export interface WindowRuleConfig {
  readonly name: string;
  readonly figure: AlertFigure;
  readonly window: string;
  readonly above?: number | Verdict;
  readonly below?: number | Verdict;
  readonly minSamples: number;
  readonly for: string;
  readonly noData: NoDataPolicy;
  readonly tool?: string;
  readonly k?: number;
}

export interface InstantRuleConfig {
  readonly name: string;
  readonly event: AlertEvent;
  readonly tool?: string;
}

const webhookSchema = z.strictObject({
  webhook: z.strictObject({
    url: z.url({ protocol: /^https?$/ }).describe('Where notifications are POSTed as JSON. A secret in it (path, query, user) never appears in mimir\'s log.'),
    headers: z.record(z.string(), z.string()).optional().describe('Extra request headers.'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Per attempt.'),
  }),
});

const commandSchema = z.strictObject({
  command: z.array(z.string().min(1)).min(1).describe('A command that gets each notification as JSON on stdin; exit 0 means delivered.'),
  timeoutMs: z.number().int().min(100).max(120_000).default(30_000).describe('Per attempt; the command is killed when it passes.'),
});

export const alertsSchema = z
  .strictObject({
    rules: z.array(ruleSchema).default([]).describe('Window rules (with `figure`) and instant rules (with `event`).'),
    delivery: z
      .array(z.union([webhookSchema, commandSchema]))
      .default([])
      .describe("Where notifications go: webhooks and commands. Empty: `mimir serve` writes them to its log, and says so when it starts."),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(20).default(6).describe('Tries per notification and target, the first included.'),
        initialDelay: durationSchema.default('1s').describe('Wait before the first retry; doubled each time, with jitter.'),
        maxDelay: durationSchema.default('5m').describe('The longest wait between tries.'),
      })
      .default({ attempts: 6, initialDelay: '1s', maxDelay: '5m' }),
    queueCapacity: queueCapacitySchema('Notifications waiting per target; when full the oldest is dropped, counted and logged, so alerting never blocks ingestion.'),
  })
  .superRefine((alerts, context) => {
    requireUniqueNames(alerts.rules, 'rules', 'rules', context);
  })
  .describe('Alert rules for `mimir serve`, and where their notifications go.');

export type AlertsConfig = z.output<typeof alertsSchema>;
export type AlertsConfigInput = z.input<typeof alertsSchema>;
export type AlertRuleConfig = AlertsConfig['rules'][number];
export type DeliveryTargetConfig = AlertsConfig['delivery'][number];
