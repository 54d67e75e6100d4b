// undici dispatch handler of one request: keeps the status, discards the body, and reports the
// end (response complete or failed) exactly once.
import type { Dispatcher } from 'undici';

export class OneShotHandler implements Dispatcher.DispatchHandler {
  private status: number | null = null;
  private done = false;

  constructor(private readonly settle: (status: number | null, error: Error | null) => void) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.settle(this.status, null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.done) return;
    this.done = true;
    this.settle(this.status, error);
  }
}
