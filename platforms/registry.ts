// emulator name -> starter, imported lazily (only when a target file's `emulators:` names it).
import type { EmulatorStarter } from './types.js';

export const EMULATOR_NAMES = ['http', 'lambda', 'cloud-functions', 'kubernetes'] as const;
export type EmulatorName = (typeof EMULATOR_NAMES)[number];

const loaders: Record<EmulatorName, () => Promise<EmulatorStarter>> = {
  http: async () => (await import('./http-services.js')).startHttpServices,
  lambda: async () => (await import('./lambda/index.js')).startLambdaEmulator,
  'cloud-functions': async () => (await import('./cloud-functions/index.js')).startCloudFunctionsEmulator,
  kubernetes: async () => (await import('./kubernetes/index.js')).startKubernetesEmulator,
};

export function loadEmulator(name: EmulatorName): Promise<EmulatorStarter> {
  return loaders[name]();
}
