// The undo of what an origin engine created, by journal kind (`coldbench restore`), each module
// imported only when a journal names it.
import type { JournalUndo } from '../control/journal-undo.js';

export async function originJournalUndo(kind: string): Promise<JournalUndo | null> {
  switch (kind) {
    case 'origin-kubernetes':
      return (await import('./kubernetes-origin-journal.js')).kubernetesOriginJournal;
    case 'origin-lambda':
      return (await import('./lambda-origin-journal.js')).lambdaOriginJournal;
    default:
      return null;
  }
}
