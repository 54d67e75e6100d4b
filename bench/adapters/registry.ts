// kind -> adapter module. Each platform module (and its SDK) is imported only when a target file
// uses that kind: the heavy SDKs cost 40-330 ms to import.
import type { TargetKind } from '../config/schema.js';
import type { JournalEntry } from '../journal.js';
import type { AdapterFactory } from './types.js';

export interface AdapterModule {
  create: AdapterFactory;
  /** Undo one journalled platform change (for `coldbench restore`). */
  restoreFromJournal?: (entry: JournalEntry) => Promise<void>;
}

const loaders: Record<TargetKind, () => Promise<AdapterModule>> = {
  http: async () => ({ create: (await import('./http.js')).createHttpAdapter }),
  lambda: async () => {
    const m = await import('./lambda.js');
    return { create: m.createLambdaAdapter, restoreFromJournal: (m as Partial<AdapterModule>).restoreFromJournal };
  },
  'cloud-function': async () => {
    const m = await import('./cloud-function.js');
    return { create: m.createCloudFunctionAdapter, restoreFromJournal: (m as Partial<AdapterModule>).restoreFromJournal };
  },
  knative: async () => {
    const m = await import('./knative.js');
    return { create: m.createKnativeAdapter, restoreFromJournal: (m as Partial<AdapterModule>).restoreFromJournal };
  },
  kubernetes: async () => {
    const m = await import('./kubernetes.js');
    return { create: m.createKubernetesAdapter, restoreFromJournal: (m as Partial<AdapterModule>).restoreFromJournal };
  },
};

export function loadAdapterModule(kind: TargetKind): Promise<AdapterModule> {
  return loaders[kind]();
}

export async function loadAdapterFactory(kind: TargetKind): Promise<AdapterFactory> {
  return (await loadAdapterModule(kind)).create;
}
