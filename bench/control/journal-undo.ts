// Reading a journal entry back for `coldbench restore`: each adapter that changes a platform
// declares the shape of its undo record (zod), and the entry is checked against it before
// anything is touched: a damaged or foreign entry is refused naming the field, never half-applied.
import type { z } from '../zod.js';
import type { JournalEntry } from '../journal.js';
import { describeIssues, readableIssues } from '../schema-issues.js';

export interface JournalUndo {
  /** Undo one journalled change (after a killed run); throws naming what is wrong with the entry. */
  restore(entry: JournalEntry): Promise<void>;
}

/** An undo for entries of one shape: `restore` gets the entry typed by `schema`. */
export function journalUndo<S extends z.ZodType<{ undo: Record<string, unknown>; location: Record<string, unknown> }>>(
  schema: S,
  restore: (record: z.infer<S>, entry: JournalEntry) => Promise<void>,
): JournalUndo {
  return {
    async restore(entry) {
      const parsed = schema.safeParse(entry, { error: readableIssues });
      if (!parsed.success) throw new Error(`journal entry ${entry.id}: ${describeIssues(parsed.error).join('; ')}`);
      await restore(parsed.data, entry);
    },
  };
}
