// Write-ahead journal of platform changes. Before the harness changes anything on a platform it
// appends what it is about to change and how to undo it; after restoring it appends `restored`.
// `coldbench restore <report-dir>` replays the undo of every change without a matching `restored`.
// Each adapter types its own undo record and checks it again when `coldbench restore` reads it.
import { appendFileSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from './zod.js';

const journalEntrySchema = z.looseObject({
  /** Unique id of this change (kind:target:what). */
  id: z.string().min(1),
  kind: z.string(),
  target: z.string(),
  /** Everything the adapter needs to undo the change (original env vars, replica count...). */
  undo: z.record(z.string(), z.unknown()),
  /** Where the platform is (endpoint, namespace, context, function...). */
  location: z.record(z.string(), z.unknown()),
  at: z.string().optional(),
});

/** One change as the journal holds it; the kind-specific parts are checked by the kind's adapter. */
export type JournalEntry = z.infer<typeof journalEntrySchema>;

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

const journalMarkerSchema = z.looseObject({ type: z.enum(['change', 'restored']), id: z.string().min(1) });

/** Changes in a journal that were never marked restored (the first entry per id holds the original state). */
export function pendingChanges(dir: string): JournalEntry[] {
  const file = path.join(dir, JOURNAL_FILE);
  if (!existsSync(file)) return [];
  const open = new Map<string, JournalEntry>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // a torn last line after kill -9
    }
    const marker = journalMarkerSchema.safeParse(record);
    if (!marker.success) continue;
    if (marker.data.type === 'change') {
      const change = journalEntrySchema.safeParse(record);
      // Keep the first (original) undo for an id: later entries for the same change must not
      // replace the original state with an intermediate one.
      if (change.success && !open.has(change.data.id)) open.set(change.data.id, change.data);
    } else open.delete(marker.data.id);
  }
  return [...open.values()];
}
