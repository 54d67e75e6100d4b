// The emulated Google platform's state and its one deployment path: functions, the Cloud Run
// services behind them and plain services, their revisions, and the long-running operations of
// both APIs. Both APIs deploy a revision the same way (a container start checked by the startup
// probe, then traffic); only the Functions API builds the source first, every time.
import { randomBytes } from 'node:crypto';
import { ServiceFront, type FrontOptions } from './front.js';
import type { IamFault } from './grants.js';
import { renderFunction, enumRenderer, type FunctionRecord, type OperationRecord, type ServiceUpdateRecord, type UpdateRequestRecord } from './model.js';
import { renderService, type RevisionRecord, type ServiceRecord, type Template } from './run-model.js';

const KEEP_REQUESTS = 1000;

export class GooglePlatform {
  readonly functions = new Map<string, FunctionRecord>();
  readonly services = new Map<string, ServiceRecord>();
  readonly operations = new Map<string, OperationRecord>();
  /** Set: every testIamPermissions / getIamPolicy call fails with it (a test's fault injection). */
  iamFault: IamFault | null = null;
  readonly functionUpdates: UpdateRequestRecord[] = [];
  readonly serviceUpdates: ServiceUpdateRecord[] = [];
  private readonly fronts = new Map<string, ServiceFront>();
  /** Authenticated API calls, oldest first (the most recent 10 000): test hook "no change made". */
  readonly apiCalls: Array<{ method: string; path: string }> = [];
  /** Test hook: services whose operations stay pending until released. */
  private readonly held = new Map<string, Array<() => void>>();
  /** Test hook: the next N deployments of a service fail. */
  private readonly failures = new Map<string, number>();

  constructor(private readonly frontOptions: FrontOptions) {}

  addService(service: ServiceRecord): ServiceFront {
    if (this.services.has(service.name)) throw new Error(`service ${service.name} is defined twice`);
    this.services.set(service.name, service);
    const front = new ServiceFront(service, this.frontOptions);
    this.fronts.set(service.name, front);
    return front;
  }

  addFunction(fn: FunctionRecord): void {
    if (this.functions.has(fn.name)) throw new Error(`function ${fn.name} is defined twice`);
    this.functions.set(fn.name, fn);
  }

  serviceById(id: string): ServiceRecord | undefined {
    for (const s of this.services.values()) if (s.id === id) return s;
    return undefined;
  }

  functionById(id: string): FunctionRecord | undefined {
    for (const fn of this.functions.values()) if (fn.id === id) return fn;
    return undefined;
  }

  front(service: ServiceRecord): ServiceFront {
    const front = this.fronts.get(service.name);
    if (!front) throw new Error(`no front for ${service.name}`);
    return front;
  }

  recordApiCall(method: string, path: string): void {
    this.apiCalls.push({ method, path });
    if (this.apiCalls.length > 10_000) this.apiCalls.splice(0, this.apiCalls.length - 10_000);
  }

  allFronts(): ServiceFront[] {
    return [...this.fronts.values()];
  }

  newOperation(api: OperationRecord['api'], project: string, location: string, target: string): OperationRecord {
    const name = `projects/${project}/locations/${location}/operations/operation-${Date.now()}-${randomBytes(6).toString('hex')}`;
    const op: OperationRecord = { name, api, target, createTime: new Date().toISOString(), done: false, built: false };
    this.operations.set(name, op);
    return op;
  }

  recordFunctionUpdate(record: UpdateRequestRecord): void {
    this.functionUpdates.push(record);
    if (this.functionUpdates.length > KEEP_REQUESTS) this.functionUpdates.shift();
  }

  recordServiceUpdate(record: ServiceUpdateRecord): void {
    this.serviceUpdates.push(record);
    if (this.serviceUpdates.length > KEEP_REQUESTS) this.serviceUpdates.shift();
  }

  injectDeploymentFailures(service: ServiceRecord, count: number): void {
    this.failures.set(service.name, count);
  }

  /** Operations on the service started from now on stay pending until the returned release(). */
  holdOperations(service: ServiceRecord): () => void {
    if (!this.held.has(service.name)) this.held.set(service.name, []);
    return () => {
      const waiting = this.held.get(service.name) ?? [];
      this.held.delete(service.name);
      for (const run of waiting) run();
    };
  }

  /** Run `work` now, or once the service's operations are released. */
  whenReleased(service: ServiceRecord, work: () => void): void {
    const waiting = this.held.get(service.name);
    if (waiting) waiting.push(work);
    else work();
  }

  private takeFailure(service: ServiceRecord): boolean {
    const left = this.failures.get(service.name) ?? 0;
    if (left <= 0) return false;
    this.failures.set(service.name, left - 1);
    return true;
  }

  /** A new revision is created: the service reconciles until its first instance is up. */
  beginDeployment(service: ServiceRecord, template: Template, revisionName: string, op: OperationRecord): RevisionRecord {
    const now = new Date().toISOString();
    const revision: RevisionRecord = { name: revisionName, template, createTime: now };
    service.revisions.set(revisionName, revision);
    service.template = template;
    service.generation += 1;
    service.latestCreated = revisionName;
    service.reconciling = true;
    service.terminal = { state: 'CONDITION_RECONCILING', lastTransitionTime: now };
    service.pendingOperation = op.name;
    service.updateTime = now;
    return revision;
  }

  /** After the deploy delay, start the revision's first instance; the revision is ready (and takes
   *  the traffic) once it listens. Ends the operation either way and tells `done` how it went. */
  completeDeployment(service: ServiceRecord, revision: RevisionRecord, op: OperationRecord, done: (failure: string | null) => void): void {
    setTimeout(() => {
      const fail = (reason: string) => {
        const message = `Revision '${revision.name}' is not ready and cannot serve traffic. ${reason}`;
        const now = new Date().toISOString();
        service.terminal = { state: 'CONDITION_FAILED', message, lastTransitionTime: now };
        this.finish(service, op, { code: 9, message });
        done(message);
      };
      if (this.takeFailure(service)) {
        fail('The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable (injected failure).');
        return;
      }
      this.front(service)
        .rollOut(revision.name, () => {
          service.latestReady = revision.name;
          service.terminal = { state: 'CONDITION_SUCCEEDED', lastTransitionTime: new Date().toISOString() };
          this.finish(service, op, null);
          done(null);
        })
        .catch((err: unknown) => {
          if (op.done) return;
          fail(`The user-provided container failed to start and listen on the port defined provided by the PORT environment variable: ${(err as Error).message}`);
        });
    }, service.deployDelayMs).unref();
  }

  /** Traffic goes back to an existing revision of the same configuration: nothing is deployed. */
  reactivate(service: ServiceRecord, template: Template, revisionName: string, op: OperationRecord): void {
    service.template = template;
    service.generation += 1;
    service.latestCreated = revisionName;
    service.latestReady = revisionName;
    service.terminal = { state: 'CONDITION_SUCCEEDED', lastTransitionTime: new Date().toISOString() };
    service.pendingOperation = op.name;
    this.whenReleased(service, () => {
      this.front(service).switchTo(revisionName);
      this.finish(service, op, null);
    });
  }

  private finish(service: ServiceRecord, op: OperationRecord, error: { code: number; message: string } | null): void {
    service.reconciling = false;
    service.observedGeneration = service.generation;
    service.pendingOperation = null;
    service.updateTime = new Date().toISOString();
    op.done = true;
    op.endTime = service.updateTime;
    if (error) op.error = error;
    else if (op.api === 'run') op.response = { named: renderService(service, false), numeric: renderService(service, true) };
  }

  /** The function's operation result, once its service is deployed. */
  functionResponse(fn: FunctionRecord): OperationRecord['response'] {
    return { named: renderFunction(fn, enumRenderer(false)), numeric: renderFunction(fn, enumRenderer(true)) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.allFronts().map((front) => front.stop()));
  }
}
