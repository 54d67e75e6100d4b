// kind -> adapter module, typed per kind: a kind missing here is a compile error, and a target
// reaches the factory of its own kind without a cast. Each platform module (and its SDK) is
// imported only when a target file uses that kind: the heavy SDKs cost 40-330 ms to import.
import type { TargetByKind, TargetConfig, TargetKind } from '../config/schema.js';
import type { Adapter, AdapterContext, AdapterModule } from './types.js';

type ModuleLoaders = { [K in TargetKind]: () => Promise<AdapterModule<K>> };

const loaders: ModuleLoaders = {
  http: async () => (await import('./http.js')).httpModule,
  lambda: async () => (await import('./lambda.js')).lambdaModule,
  'cloud-function': async () => (await import('./cloud-function.js')).cloudFunctionModule,
  'cloud-run': async () => (await import('./cloud-run.js')).cloudRunModule,
  knative: async () => (await import('./knative.js')).knativeModule,
  kubernetes: async () => (await import('./kubernetes.js')).kubernetesModule,
};

export function loadAdapterModule<K extends TargetKind>(kind: K): Promise<AdapterModule<K>> {
  return loaders[kind]();
}

async function createOfKind<K extends TargetKind>(kind: K, target: TargetByKind[K], ctx: AdapterContext): Promise<Adapter<K>> {
  const module = await loadAdapterModule(kind);
  return module.create(target, ctx);
}

/** The adapter for a target, from its kind's module. */
export function createAdapter(target: TargetConfig, ctx: AdapterContext): Promise<Adapter> {
  return createOfKind(target.kind, target, ctx);
}
