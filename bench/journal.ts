// Write-ahead journal of platform changes. Before the harness changes anything on a platform it
// appends what it is about to change and how to undo it; after restoring it appends `restored`.
// `coldbench restore <report-dir>` replays the undo of every change without a matching `restored`.
import { appendFileSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface JournalEntry {
  /** Unique id of this change (kind:target:what). */
  id: string;
  kind: string;
  target: string;
  /** Everything the adapter needs to undo the change (original env vars, replica count...). */
  undo: Record<string, unknown>;
  /** Where the platform is (endpoint, namespace, context, function...). */
  location: Record<string, unknown>;
  at?: string;
}

export interface Journal {
  /** Record a change before making it. */
  begin(entry: JournalEntry): void;
  /** Record that a change was undone. */
  done(id: string): void;
}

export const JOURNAL_FILE = 'journal.ndjson';

export function fileJournal(dir: string): Journal {
  const file = path.join(dir, JOURNAL_FILE);
  const append = (record: unknown) => {
    mkdirSync(dir, { recursive: true });
    appendFileSync(file, JSON.stringify(record) + '\n');
  };
  return {
    begin(entry) {
      append({ type: 'change', ...entry, at: new Date().toISOString() });
    },
    done(id) {
      append({ type: 'restored', id, at: new Date().toISOString() });
    },
  };
}

export const nullJournal: Journal = { begin() {}, done() {} };

/** Changes in a journal that were never marked restored (the last change per id wins). */
export function pendingChanges(dir: string): JournalEntry[] {
  const file = path.join(dir, JOURNAL_FILE);
  if (!existsSync(file)) return [];
  const open = new Map<string, JournalEntry>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let record: { type?: string; id?: string } & Partial<JournalEntry>;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // a torn last line after kill -9
    }
    if (!record.id) continue;
    if (record.type === 'change') {
      // Keep the first (original) undo for an id: later entries for the same change must not
      // replace the original state with an intermediate one.
      if (!open.has(record.id)) open.set(record.id, record as JournalEntry);
    } else if (record.type === 'restored') open.delete(record.id);
  }
  return [...open.values()];
}
