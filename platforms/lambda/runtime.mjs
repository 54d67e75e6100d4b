// One execution environment of the local Lambda emulator (an on-demand init): a plain Node process
// (no TS loader, so its start-up is a real runtime start) that imports the handler module once (its
// initialisation is the real init time) and then runs one invocation at a time on messages from
// the emulator (IPC). argv: <handler file> <export name>. The emulator measures Init Duration from
// spawn to "ready".
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const { createRuntime } = createRequire(import.meta.url)('./runtime-core.cjs');
const [file, exportName] = process.argv.slice(2);
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
  runtime.serve(handler);
  process.send({ type: 'ready', maxMemoryUsedMb: runtime.rssMb(), logs: runtime.takeInitLogs() });
} catch (err) {
  const record = runtime.errorRecord(err);
  if (err?.code === 'ERR_MODULE_NOT_FOUND') record.errorType = 'Runtime.ImportModuleError';
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'init-error', ...record, logs: runtime.takeInitLogs() }, () => process.exit(1));
}
