// The part of an emulated execution environment that runs the handler: console capture, the
// invoke loop on IPC messages from the emulator, error records. CommonJS with built-ins only, so
// both starts can use it: runtime.mjs (a normal init: import the handler module) and
// snapshot-builder.cjs (SnapStart: evaluated into a V8 startup snapshot, whose restore is the
// faster start path). The emulator talks to either the same way.
'use strict';
const { format } = require('node:util');

function createRuntime() {
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
  const captureConsole = () => {
    console.log = capture('INFO');
    console.info = capture('INFO');
    console.warn = capture('WARN');
    console.error = capture('ERROR');
    console.debug = capture('DEBUG');
  };

  const errorRecord = (err) => {
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      errorType: e.name === 'Error' && e.constructor && e.constructor.name ? e.constructor.name : e.name,
      errorMessage: e.message,
      trace: (e.stack || '').split('\n'),
    };
  };

  function callHandler(handler, event, context) {
    // Callback-style handlers (three parameters) are still supported by Lambda's Node runtime.
    if (handler.length >= 3) {
      return new Promise((resolve, reject) => {
        const result = handler(event, context, (err, value) => (err ? reject(err) : resolve(value)));
        if (result && typeof result.then === 'function') result.then(resolve, reject);
      });
    }
    return Promise.resolve().then(() => handler(event, context));
  }

  /** Answer invoke messages with result messages, one at a time (the emulator never overlaps them). */
  function serve(handler) {
    // The emulator went away (stop, crash, kill -9): never outlive it.
    process.on('disconnect', () => process.exit(0));
    process.on('message', async (message) => {
      if (!message || message.type !== 'invoke') return;
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
        const value = await callHandler(handler, event, context);
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
  }

  return { captureConsole, errorRecord, rssMb, serve, takeInitLogs: () => initLogs.splice(0) };
}

module.exports = { createRuntime };
