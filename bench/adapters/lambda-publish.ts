// publish-version's versions: each sample publishes $LATEST (just changed by the nonce) as a new
// version and waits until it is Active; every version the run published is deleted at the end, on
// error and on Ctrl-C. The change is journaled before the first PublishVersion with the marker all
// of the run's versions carry as Description, so `coldbench restore` finds and deletes leftovers.
import { randomBytes } from 'node:crypto';
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { JournaledChange } from '../control/journaled-change.js';
import { messageOf, TargetFailure } from '../errors.js';
import type { Journal } from '../journal.js';
import type { ControlWait } from './lambda-control.js';
import type { LambdaLocation, LambdaVersionsUndo } from './lambda-journal.js';
import { deleteVersions, publishVersion, versionsMarked, waitUntilVersionActive } from './lambda-versions.js';

export class VersionPublisher {
  /** The Description of every version this run publishes (at most 256 characters). */
  readonly marker: string;
  private readonly published = new Set<string>();
  private readonly change: JournaledChange<LambdaVersionsUndo, LambdaLocation>;

  constructor(
    private readonly client: LambdaClient,
    private readonly target: string,
    private readonly location: LambdaLocation,
    journal: Journal,
  ) {
    this.marker = `coldbench publish-version ${target.slice(0, 180)} ${randomBytes(4).toString('hex')}`;
    this.change = new JournaledChange(journal);
  }

  /** Publish the configuration at `revisionId` and wait until the new version is Active. */
  async publish(revisionId: string | undefined, wait: ControlWait): Promise<FunctionConfiguration> {
    this.change.begin({ id: `lambda:${this.target}:versions`, kind: 'lambda', target: this.target, undo: { versionDescription: this.marker }, location: this.location });
    const deadline = Date.now() + wait.timeoutMs;
    const out = await publishVersion(this.client, this.location.function, { revisionId, description: this.marker }, wait, deadline);
    const version = out.Version;
    if (!version || out.Description !== this.marker) {
      // Lambda returns the last version when nothing changed: never delete what the run did not make.
      throw new TargetFailure(`${wait.label}: PublishVersion returned version ${version ?? '?'}, which this run did not publish (nothing changed since it?)`);
    }
    this.published.add(version);
    return waitUntilVersionActive(this.client, this.location.function, version, wait, deadline);
  }

  /** Delete every version of the run (idempotent; once even when called concurrently). */
  restore(wait: ControlWait): Promise<void> {
    return this.change.restore(async () => {
      let listed: string[] = [];
      let listError: unknown = null;
      try {
        listed = await versionsMarked(this.client, this.location.function, this.marker);
      } catch (err) {
        listError = err;
      }
      await deleteVersions(this.client, this.location.function, new Set([...this.published, ...listed]), wait);
      // The known versions are gone; unknown leftovers stay for `coldbench restore`.
      if (listError) throw new TargetFailure(`${wait.label}: the versions it published cannot be listed to find leftovers (${messageOf(listError)})`);
    });
  }
}
