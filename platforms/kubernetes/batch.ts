// The Jobs part of the emulated cluster, wired together: the object store (with the namespaces the
// options name and those of the workloads), the Job controller running the harness image, and the
// API extension serving them.
import { ObjectStore } from './api-objects.js';
import { createBatchApi, type ApiExtension } from './api-batch.js';
import { harnessImage, type ImageSpec } from './container-runtime.js';
import { JobController } from './job-controller.js';
import type { KubeEmulatorOptions } from './options.js';

export interface Batch {
  objects: ObjectStore;
  jobs: JobController;
  api: ApiExtension;
}

export function startBatch(options: KubeEmulatorOptions, apiUrl: () => string): Batch {
  const objects = new ObjectStore();
  for (const ns of [...options.namespaces, ...options.deployments.map((d) => d.namespace), ...options.knativeServices.map((s) => s.namespace)]) objects.namespaces.add(ns);
  const image = harnessImage();
  const images = new Map<string, ImageSpec>(options.jobImages.map((name) => [name, image]));
  const jobs = new JobController(objects, images, apiUrl);
  return { objects, jobs, api: createBatchApi(objects, jobs) };
}
