// One execution environment of the local Lambda emulator: a plain Node process (no TS loader, so its
// start-up is a real runtime start) that imports the handler module once (its initialisation is the
// real init time) and then runs one invocation at a time on messages from the emulator (IPC).
// argv: <handler file> <export name>. The emulator measures Init Duration from spawn to "ready".
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const [file, exportName] = process.argv.slice(2);
let current = null; // { requestId, logs } of the running invocation
const initLogs = [];
let maxRssMb = 0;

const rssMb = () => {
  maxRssMb = Math.max(maxRssMb, Math.ceil(process.memoryUsage.rss() / (1024 * 1024)));
  return maxRssMb;
};

// Lambda's Node runtime prefixes console output with time, request id and level.
const capture = (level) => (...args) => {
  const text = format(...args);
  if (current) current.logs.push(`${new Date().toISOString()}\t${current.requestId}\t${level}\t${text}`);
  else initLogs.push(`${new Date().toISOString()}\tundefined\t${level}\t${text}`);
};
console.log = capture('INFO');
console.info = capture('INFO');
console.warn = capture('WARN');
console.error = capture('ERROR');
console.debug = capture('DEBUG');

// The emulator went away (stop, crash, kill -9): never outlive it.
process.on('disconnect', () => process.exit(0));

const errorRecord = (err) => {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    errorType: e.name === 'Error' && e.constructor?.name ? e.constructor.name : e.name,
    errorMessage: e.message,
    trace: (e.stack ?? '').split('\n'),
  };
};

let handler;
try {
  const mod = await import(pathToFileURL(file).href);
  handler = mod[exportName];
  if (typeof handler !== 'function') {
    const err = new Error(`${path.basename(file)} does not export a function named ${exportName}`);
    err.name = 'Runtime.HandlerNotFound';
    throw err;
  }
  process.send({ type: 'ready', maxMemoryUsedMb: rssMb(), logs: initLogs.splice(0) });
} catch (err) {
  const record = errorRecord(err);
  if (err?.code === 'ERR_MODULE_NOT_FOUND') record.errorType = 'Runtime.ImportModuleError';
  process.send({ type: 'init-error', ...record, logs: initLogs.splice(0) }, () => process.exit(1));
}

function callHandler(event, context) {
  // Callback-style handlers (three parameters) are still supported by Lambda's Node runtime.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const result = handler(event, context, (err, value) => (err ? reject(err) : resolve(value)));
      if (result && typeof result.then === 'function') result.then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => handler(event, context));
}

process.on('message', async (message) => {
  if (message?.type !== 'invoke' || !handler) return;
  const { requestId, event, context: ctx } = message;
  current = { requestId, logs: [] };
  const deadline = Date.now() + ctx.timeoutMs;
  const context = {
    awsRequestId: requestId,
    functionName: ctx.functionName,
    functionVersion: ctx.functionVersion,
    invokedFunctionArn: ctx.invokedFunctionArn,
    memoryLimitInMB: String(ctx.memoryLimitInMB),
    logGroupName: ctx.logGroupName,
    logStreamName: ctx.logStreamName,
    clientContext: ctx.clientContext,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const start = process.hrtime.bigint();
  let outcome;
  try {
    const value = await callHandler(event, context);
    outcome = { ok: true, payload: value === undefined ? 'null' : JSON.stringify(value) };
  } catch (err) {
    outcome = { ok: false, ...errorRecord(err) };
    current.logs.push(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(errorRecord(err))}`);
  }
  const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
  const logs = current.logs;
  current = null;
  process.send({ type: 'result', requestId, durationMs, maxMemoryUsedMb: rssMb(), logs, ...outcome });
});
