// SnapStart in the emulator: a V8 startup snapshot of an initialised execution environment.
// Built when a version is published:  node --snapshot-blob <blob> --build-snapshot snapshot-builder.cjs <handler.cjs> <export>
// it runs the handler module's initialisation (the Init phase happens at publish, as with
// SnapStart) and saves the heap. Restored:  node --snapshot-blob <blob>  (a real process start that
// skips the module's initialisation), it runs the main function below: after-restore work, then
// "ready". Node's snapshot builder loads only built-in modules, so this file and the handler are
// read and evaluated here; a SnapStart handler must be one CommonJS file using built-ins only.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const [handlerFile, exportName] = process.argv.slice(2);

/** Evaluate a CommonJS file's source as a module (built-ins only through `require`). */
function load(file) {
  const mod = { exports: {} };
  const source = fs.readFileSync(file, 'utf8');
  new Function('module', 'exports', 'require', '__filename', '__dirname', source)(mod, mod.exports, require, file, path.dirname(file));
  return mod.exports;
}

const { createRuntime } = load(path.join(__dirname, 'runtime-core.cjs'));
const runtime = createRuntime();
runtime.captureConsole();
let handler;
try {
  handler = load(handlerFile)[exportName];
  if (typeof handler !== 'function') throw new Error(`${path.basename(handlerFile)} does not export a function named ${exportName}`);
} catch (err) {
  // The last stderr line is the reason the emulator reports (StateReason of the Failed version).
  const record = runtime.errorRecord(err);
  process.stderr.write(`${record.errorType}: ${record.errorMessage}\n`);
  process.exit(1);
}
const initLogs = runtime.takeInitLogs();

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // Restored: console and IPC belong to the new process; the handler's state is the snapshot's.
  runtime.captureConsole();
  runtime.serve(handler);
  const billedRestoreMs = Math.round(process.uptime() * 1000);
  process.send({ type: 'ready', restored: true, billedRestoreMs, maxMemoryUsedMb: runtime.rssMb(), logs: [], initLogs });
});
