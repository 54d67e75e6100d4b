// `coldbench restore <report-dir>`: undo every platform change the journal records without a
// matching `restored` entry (a run killed with kill -9 or a power loss).
import { loadAdapterModule } from './adapters/registry.js';
import { fileJournal, pendingChanges } from './journal.js';
import { InputError, messageOf } from './errors.js';
import { existsSync } from 'node:fs';
import { TARGET_KINDS, type TargetKind } from './config/schema.js';

export async function restoreFromReportDir(dir: string, log: (message: string) => void): Promise<number> {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such report directory`);
  const journal = fileJournal(dir);
  let restored = 0;
  const failures: string[] = [];
  for (const entry of pendingChanges(dir)) {
    if (!(TARGET_KINDS as readonly string[]).includes(entry.kind)) {
      failures.push(`${entry.id}: unknown kind ${entry.kind}`);
      continue;
    }
    try {
      const module = await loadAdapterModule(entry.kind as TargetKind);
      if (!module.restoreFromJournal) throw new Error(`kind ${entry.kind} cannot restore from a journal`);
      log(`restoring ${entry.target}: ${entry.id}`);
      await module.restoreFromJournal(entry);
      journal.done(entry.id);
      restored += 1;
    } catch (err) {
      failures.push(`${entry.target} (${entry.id}): ${messageOf(err)}`);
    }
  }
  if (failures.length > 0) throw new Error(`could not restore: ${failures.join('; ')}`);
  return restored;
}
