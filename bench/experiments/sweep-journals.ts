// kind -> the sweeper of that kind and the undo of its journal entries (`coldbench restore`),
// each module imported only when a target sweeps that kind or a journal names it.
import type { TargetConfig } from '../config/schema.js';
import type { JournalUndo } from '../control/journal-undo.js';
import { TargetFailure } from '../errors.js';
import type { Sweeper, SweeperContext } from './sweeper.js';

export async function createSweeper(target: TargetConfig, ctx: SweeperContext): Promise<Sweeper> {
  switch (target.kind) {
    case 'lambda':
      return new (await import('./sweep-lambda.js')).LambdaSweeper(target, ctx);
    case 'cloud-function':
    case 'cloud-run':
      return new (await import('./sweep-google.js')).GoogleSweeper(target, ctx);
    case 'knative':
    case 'kubernetes':
      return new (await import('./sweep-kube.js')).KubeSweeper(target, ctx);
    case 'http':
      throw new TargetFailure(`target ${target.name}: kind http has no control plane to sweep`);
  }
}

export async function sweepJournalUndo(kind: string): Promise<JournalUndo | null> {
  switch (kind) {
    case 'sweep-lambda':
      return (await import('./sweep-lambda.js')).lambdaSweepJournal;
    case 'sweep-cloud-function':
    case 'sweep-cloud-run':
      return (await import('./sweep-google.js')).googleSweepJournal;
    case 'sweep-knative':
    case 'sweep-kubernetes':
      return (await import('./sweep-kube.js')).kubeSweepJournal;
    default:
      return null;
  }
}
