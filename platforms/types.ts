// Local platform emulators that a target file can ask the harness to start (`emulators:` key) and
// that the tests start directly. Each speaks its platform's real wire protocol, and its instances
// are real child processes, so a cold start is a real process start.

export interface EmulatorContext {
  /** Directory of the target file: relative paths in emulator options resolve against it. */
  baseDir: string;
  log: (message: string) => void;
}

export interface RunningEmulator {
  name: string;
  /** Environment the adapters need to reach it (KUBECONFIG, GCE_METADATA_HOST, AWS keys...).
   *  The runner applies it to process.env before adapters are created; none of it is secret. */
  env?: Record<string, string>;
  /** One line for the log: what listens where. */
  description: string;
  /** Stop every child process and server; idempotent. */
  stop(): Promise<void>;
}

export type EmulatorStarter = (options: Record<string, unknown>, ctx: EmulatorContext) => Promise<RunningEmulator>;
