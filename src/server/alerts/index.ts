/** The alerting engine `mimir serve` drives: rules, their evaluation, state and delivery. */
export { AlertEngine, deliveryTargets, type AlertEngineOptions } from './engine.js';
export { evaluateWindowRules, seriesKey, breaches, type EvaluationResult } from './evaluate.js';
export { evaluateInstantRules, MAX_REMEMBERED_RUNS } from './instant.js';
export { FIGURES, verdictLevel, type FigureReading } from './figures.js';
export { InMemoryAlertStateStore, type AlertStateStore } from './state-store.js';
export { AlertDispatcher, type DispatcherOptions, type TargetStats } from './delivery/dispatcher.js';
export { webhookTarget } from './delivery/webhook.js';
export { commandTarget } from './delivery/command.js';
export { redactUrl } from './delivery/safe-url.js';
export type { AttemptResult, DeliveryTarget, RetryPolicy } from './delivery/attempt.js';
export * from './types.js';
