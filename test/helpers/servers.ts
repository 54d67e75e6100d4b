// The one helper module for tests: real local servers (the project's emulators and small fixtures)
// and the real CLI (cli.ts).
// Every server listens on 127.0.0.1 with a random port and is stopped by the test's after() hook.
export * from './http.js';
export * from './lambda.js';
export * from './cloud-function.js';
export * from './kubernetes.js';
export * from './faults.js';
export * from './cli.js';
export * from './wait.js';
