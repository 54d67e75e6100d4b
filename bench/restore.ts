// `coldbench restore <report-dir>`: undo every platform change the journal records without a
// matching `restored` entry (a run killed with kill -9 or a power loss), and remove what remote
// origins created (their Jobs, functions, roles).
import { loadAdapterModule } from './adapters/registry.js';
import { fileJournal, pendingChanges } from './journal.js';
import { InputError, messageOf, TargetFailure } from './errors.js';
import { existsSync, statSync } from 'node:fs';
import { isTargetKind } from './config/schema.js';
import { originJournalUndo } from './origins/journals.js';
import { sweepJournalUndo } from './experiments/sweep-journals.js';

/** Some journalled changes could not be undone (each named with its reason); the others were. */
export class RestoreFailure extends TargetFailure {}

export async function restoreFromReportDir(dir: string, log: (message: string) => void): Promise<number> {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such report directory`);
  if (!statSync(dir).isDirectory()) throw new InputError(`${dir}: not a report directory (give the directory, not a file in it)`);
  const journal = fileJournal(dir);
  let restored = 0;
  const failures: string[] = [];
  for (const entry of pendingChanges(dir)) {
    const kind = entry.kind;
    const sweepUndo = await sweepJournalUndo(kind);
    const originUndo = sweepUndo ?? (await originJournalUndo(kind));
    if (originUndo) {
      try {
        log(sweepUndo ? `restoring what the sweep of ${entry.target} changed: ${entry.id}` : `removing what ${entry.target} created: ${entry.id}`);
        await originUndo.restore(entry);
        journal.done(entry.id);
        restored += 1;
      } catch (err) {
        failures.push(`${entry.target} (${entry.id}): ${messageOf(err)}`);
      }
      continue;
    }
    if (!isTargetKind(kind)) {
      failures.push(`${entry.id}: unknown kind ${kind}`);
      continue;
    }
    try {
      const { journal: undo } = await loadAdapterModule(kind);
      if (!undo) throw new Error(`kind ${kind} changes no platform, so a journal entry of it has nothing to restore`);
      log(`restoring ${entry.target}: ${entry.id}`);
      await undo.restore(entry);
      journal.done(entry.id);
      restored += 1;
    } catch (err) {
      failures.push(`${entry.target} (${entry.id}): ${messageOf(err)}`);
    }
  }
  if (failures.length > 0) {
    const done = restored > 0 ? ` (${restored} other change${restored === 1 ? ' was' : 's were'} restored)` : '';
    throw new RestoreFailure(`could not restore ${failures.join('; ')}${done}; the journal keeps them pending, run restore again once the platform is reachable`);
  }
  return restored;
}
