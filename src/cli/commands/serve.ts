import { isAbsolute, join } from 'node:path';
import { loadConfig } from '../../audit/load-config.js';
import { defaultTraceReadOptions } from '../../config/load-config.js';
import { probeConfigDigest } from '../../evidence/probe/results-file.js';
import { DEFAULT_SERVE_LIMITS, startServe, type RunningServer } from '../../server/serve.js';
import { isLoopback } from '../../server/http/guard.js';
import { UserError } from '../../shared/errors.js';
import { fileExists } from '../../shared/read-user-file.js';
import { EXIT_OK } from '../handle-error.js';
import { DEMO_DEFAULTS, prepareDemo, startDemoReplay } from './serve-demo.js';
import { untilSignalled, type CliIo } from '../io.js';

export interface ServeCommandOptions {
  readonly config: string;
  /** True when --config was given explicitly: then it must exist. */
  readonly configExplicit: boolean;
  readonly host: string;
  readonly port: number;
  readonly data: string;
  readonly token?: string;
  readonly quietMs: number;
  /** False for `--no-redact`: spans are stored with their secrets. */
  readonly redact: boolean;
  /** `--demo`: replay the example agent's recorded runs to this server, data in a temporary directory. */
  readonly demo?: boolean;
  /** How long the demo's replay takes (default 60 s). */
  readonly demoSeconds?: number;
}

/** Where the token comes from when --token is not given (a flag would show in `ps`). */
export const TOKEN_ENV = 'MIMIR_SERVE_TOKEN';

/**
 * `mimir serve`: the OTLP/HTTP receiver, the store and the JSON API in one process, until SIGINT or
 * SIGTERM. mimir.yaml, when present, supplies the trace reading (tool risk classes, attribute
 * mapping) and the redaction patterns, as for `mimir traces`. While it runs the server owns the
 * store: other commands read it through the API.
 */
export async function serveCommand(options: ServeCommandOptions, io: CliIo, stopped: Promise<void> = untilSignalled()): Promise<number> {
  const token = options.token ?? (io.env[TOKEN_ENV] === '' ? undefined : io.env[TOKEN_ENV]);
  if (!isLoopback(options.host) && token === undefined) {
    throw new UserError('usage', `binding to ${options.host} makes the server reachable from other machines: it needs a token`, {
      hint: `Pass --token <secret> or set ${TOKEN_ENV}; every request must then send Authorization: Bearer <secret>. Or keep the default --host 127.0.0.1.`,
    });
  }
  const demo = options.demo === true ? await prepareDemo(options.configExplicit) : undefined;
  const configPath = demo?.configPath ?? options.config;
  const config = await (demo !== undefined || options.configExplicit || (await fileExists(options.config)) ? loadConfig(configPath) : Promise.resolve(undefined)).catch(async (error: unknown) => {
    await demo?.dispose();
    throw error;
  });
  const readOptions = config?.traces?.readOptions ?? defaultTraceReadOptions(config?.system);
  const dataDir = demo?.dataDir ?? (isAbsolute(options.data) ? options.data : join(io.cwd, options.data));
  let server: RunningServer;
  try {
    server = await startServe({
      ...DEFAULT_SERVE_LIMITS,
      host: options.host,
      port: options.port,
      dataDir,
      token,
      readOptions,
      redaction: options.redact ? (config?.redaction ?? []) : undefined,
      quietMs: options.quietMs,
      checklist: { configPath },
      ...(config?.probes && { probeResults: { probes: config.probes, configDigest: probeConfigDigest(config.config) } }),
      ...(config !== undefined && { config }),
      log: (line) => io.stderr.write(`${line}\n`),
      onStoreError: (error) => io.stderr.write(`mimir serve: ${error instanceof Error ? error.message : String(error)}\n`),
    });
  } catch (error) {
    await demo?.dispose();
    throw startError(error, options, dataDir);
  }
  io.stdout.write(`mimir serve listening on ${server.url}\n`);
  io.stderr.write(
    `web UI: ${server.url}/${token === undefined ? '' : ' (open it once as /?token=<your token>: the browser keeps it for the tab)'}\nOTLP/HTTP: ${server.url}/v1/traces and /v1/logs (OTEL_EXPORTER_OTLP_ENDPOINT=${server.url}); API: ${server.url}/api/health\n` +
      `store: ${join(dataDir, 'mimir.duckdb')} (owned by this process while it runs)${server.replayed > 0 ? `; ${server.replayed} acknowledged batches replayed from the ingest log` : ''}\n` +
      `${options.redact ? 'secrets are redacted before storage' : 'UNREDACTED: spans are stored with any secrets they carry'}; stop with Ctrl-C\n` +
      server.monitoring
        .describe()
        .map((line) => `${line}\n`)
        .join(''),
  );
  const replay = demo && startDemoReplay(server, token, options.demoSeconds ?? DEMO_DEFAULTS.seconds, io);
  await stopped;
  await replay?.stop();
  await server.close();
  if (demo) await demo.dispose();
  io.stderr.write(demo ? `mimir serve stopped; the demo's data in ${dataDir} is removed\n` : 'mimir serve stopped; everything acknowledged is stored\n');
  return EXIT_OK;
}

/** The port taken, or the store held by another server: what the user can fix, said so. */
function startError(error: unknown, options: ServeCommandOptions, dataDir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new UserError('usage', `port ${options.port} on ${options.host} is already in use`, { hint: 'Stop whatever listens there, or pass --port <n> (0: any free port).' });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') {
    return new UserError('usage', `cannot listen on ${options.host}:${options.port} (${code})`, { hint: 'Pass a --host this machine has, and a --port above 1023.' });
  }
  if (error instanceof Error && /lock/i.test(error.message)) {
    return new UserError('file-unreadable', `another process holds the store in ${dataDir}: another mimir serve is running on it`, {
      location: { file: join(dataDir, 'mimir.duckdb') },
      hint: 'Use that server (its API), stop it first, or pass --data <another dir>.',
    });
  }
  return error;
}
