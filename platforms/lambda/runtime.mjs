// One execution environment of the local Lambda emulator (an on-demand init): a plain Node process
// (no TS loader, so its start-up is a real runtime start) that imports the handler module once (its
// initialisation is the real init time) and then runs one invocation at a time on messages from
// the emulator (IPC). argv: <handler file> <export name>. The emulator measures Init Duration from
// spawn to "ready".
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const { createRuntime } = createRequire(import.meta.url)('./runtime-core.cjs');
const [file, exportName, cpuShareArg] = process.argv.slice(2);
// The CPU share of the init (memory / 1,769 MB with cpuByMemory): a CFS quota lets a CPU-bound init
// run only that share of each period, so its wall time is its CPU time / share. Modelled by waiting
// out the rest after the init's real CPU time (process start, runtime and module load included).
const cpuShare = Math.min(1, Math.max(0.01, Number(cpuShareArg ?? '1') || 1));
const throttle = async () => {
  if (cpuShare >= 1) return;
  const { user, system } = process.cpuUsage();
  const cpuMs = (user + system) / 1000;
  await new Promise((resolve) => setTimeout(resolve, cpuMs * (1 / cpuShare - 1)));
};
const runtime = createRuntime();
runtime.captureConsole();

let handler;
try {
  const mod = await import(pathToFileURL(file).href);
  handler = mod[exportName] ?? mod.default?.[exportName];
  if (typeof handler !== 'function') {
    const err = new Error(`${path.basename(file)} does not export a function named ${exportName}`);
    err.name = 'Runtime.HandlerNotFound';
    throw err;
  }
  await throttle();
  runtime.serve(handler);
  process.send({ type: 'ready', maxMemoryUsedMb: runtime.rssMb(), logs: runtime.takeInitLogs() });
} catch (err) {
  const record = runtime.errorRecord(err);
  if (err?.code === 'ERR_MODULE_NOT_FOUND') record.errorType = 'Runtime.ImportModuleError';
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'init-error', ...record, logs: runtime.takeInitLogs() }, () => process.exit(1));
}
