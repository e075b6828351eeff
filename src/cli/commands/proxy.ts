import { join } from 'node:path';
import { loadConfig } from '../../audit/load-config.js';
import { declaredRiskResolver } from '../../model/index.js';
import { openLedger } from '../../probe/ledger/file-ledger.js';
import { startProxy } from '../../probe/proxy/mcp-proxy.js';
import { bridgeStdioToProxy } from '../../probe/proxy/stdio-bridge.js';
import { loadScenarioFile } from '../../probe/scenarios/load-scenarios.js';
import type { ProbeScenario } from '../../probe/types.js';
import { UserError } from '../../shared/errors.js';
import { closestMatch } from '../../shared/suggest.js';
import { EXIT_OK } from '../handle-error.js';
import { untilSignalled, type CliIo } from '../io.js';

export interface ProxyCommandOptions {
  readonly config: string;
  readonly port: number;
  /** Apply this scenario's faults and approval answers (from `probes.scenarios`). */
  readonly scenario?: string;
  /** Relay stdio to a running proxy instead of starting one (MIMIR_MCP_STDIO). */
  readonly connect?: string;
}

/**
 * `mimir proxy`: mimir's MCP proxy on its own, for trying an agent against it by hand or wiring it
 * into another harness. Every call lands in `<probes.out>/proxy-ledger.jsonl`; high-risk calls are
 * simulated unless `probes.allowSideEffects` says otherwise. Runs until interrupted.
 * `mimir proxy --connect <url>` is the stdio side for agents that only speak stdio: stdout then
 * carries MCP messages only, so everything else goes to stderr.
 */
export async function proxyCommand(options: ProxyCommandOptions, io: CliIo): Promise<number> {
  if (options.connect !== undefined) {
    const bridge = await bridgeStdioToProxy(options.connect, process.stdin, process.stdout, {
      onError: (error) => io.stderr.write(`mimir proxy: ${error.message}\n`),
    });
    await bridge.done;
    return EXIT_OK;
  }
  const loaded = await loadConfig(options.config);
  const probes = loaded.probes;
  if (!probes) {
    throw new UserError('usage', `${loaded.path} has no probes section naming the MCP servers to proxy`, {
      hint: 'List the servers under `probes.servers` (see the README section "Probes").',
    });
  }
  const scenario = options.scenario === undefined ? undefined : await findScenario(options.scenario, probes.scenarios, probes.trials);
  const ledgerPath = join(probes.out, 'proxy-ledger.jsonl');
  const ledger = await openLedger(ledgerPath, { onExisting: 'rotate' });
  const proxy = await startProxy({
    upstreams: probes.servers,
    riskOf: declaredRiskResolver(loaded.system.tools),
    allowSideEffects: probes.allowSideEffects,
    ledger,
    run: { runId: `proxy-${new Date().toISOString()}`, scenarioId: scenario?.id ?? 'none', trial: 1 },
    faults: scenario?.faults ?? [],
    seed: probes.seed,
    approvals: scenario?.approvals ?? 'approve',
    ...(probes.approvalTool !== undefined && { approvalTool: probes.approvalTool }),
    port: options.port,
    onError: (error) => io.stderr.write(`mimir proxy: ${error.message}\n`),
  });
  io.stdout.write(`mimir proxy listening on ${proxy.url}\n`);
  io.stderr.write(
    `${scenario ? `faults of scenario ${scenario.id}; ` : 'no faults; '}high-risk calls ${probes.allowSideEffects ? 'FORWARDED' : 'simulated'}; ledger ${ledgerPath}\nstop with Ctrl-C\n`,
  );
  await untilSignalled();
  await proxy.close();
  await ledger.close();
  io.stderr.write(`mimir proxy stopped; ${ledger.entries} ledger entries in ${ledgerPath}\n`);
  return EXIT_OK;
}

async function findScenario(id: string, file: string | undefined, trials: number): Promise<ProbeScenario> {
  if (file === undefined) {
    throw new UserError('usage', `--scenario ${id}: mimir.yaml names no scenarios file`, { hint: 'Set `probes.scenarios` to your scenarios file.' });
  }
  const scenarios = await loadScenarioFile(file, { trials });
  const found = scenarios.find((s) => s.id === id);
  if (!found) {
    const suggestion = closestMatch(id, scenarios.map((s) => s.id));
    throw new UserError('usage', `no scenario "${id}" in ${file}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, {
      hint: `The scenarios there: ${scenarios.map((s) => s.id).join(', ') || '(none)'}.`,
    });
  }
  return found;
}
