// undici dispatch handler of one request: keeps the status (and the instance header's value),
// discards the body, and reports the end (response complete or failed) exactly once.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export type OneShotSettle = (status: number | null, error: Error | null, instance: string | null) => void;

export class OneShotHandler implements Dispatcher.DispatchHandler {
  private status: number | null = null;
  private instance: string | null = null;
  private done = false;

  /** @param instanceHeader lower-case name of the header naming the serving instance */
  constructor(
    private readonly settle: OneShotSettle,
    private readonly instanceHeader?: string,
  ) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    if (this.instanceHeader) {
      const value = headers[this.instanceHeader];
      this.instance = (Array.isArray(value) ? value[0] : value) ?? null;
    }
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    if (this.done) return;
    this.done = true;
    this.settle(this.status, null, this.instance);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.done) return;
    this.done = true;
    this.settle(this.status, error, this.instance);
  }
}
