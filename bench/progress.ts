// Progress: a live status line on a terminal; plain log lines when not a TTY or in CI.

export interface Progress {
  /** A line that stays in the log (target started, phase finished, warnings). */
  log(message: string): void;
  /** Transient status (samples done, requests so far); replaced by the next one on a TTY. */
  status(message: string): void;
  /** Clear the status line. */
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const live = Boolean(stream.isTTY) && !process.env.CI;
  let statusShown = false;
  let lastPlainStatus = 0;
  const clear = () => {
    if (live && statusShown) {
      stream.write('\r\x1b[2K');
      statusShown = false;
    }
  };
  return {
    log(message) {
      if (quiet) return;
      clear();
      stream.write(`${message}\n`);
    },
    status(message) {
      if (quiet) return;
      if (live) {
        const width = Math.max(20, (stream.columns ?? 100) - 1);
        stream.write(`\r\x1b[2K${message.slice(0, width)}`);
        statusShown = true;
      } else if (Date.now() - lastPlainStatus >= 5000) {
        // Plain logs get a status line at most every 5 s, so CI logs stay readable.
        lastPlainStatus = Date.now();
        stream.write(`  ${message}\n`);
      }
    },
    done() {
      clear();
    },
  };
}

export const silentProgress: Progress = { log() {}, status() {}, done() {} };
