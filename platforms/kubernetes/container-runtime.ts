// The emulated cluster's container runtime for Job pods. An image is a name the "registry" knows;
// the harness image is the checked-out coldbench (bin/coldbench.js over the built dist/), run by
// this Node, as deploy/Dockerfile lays it out: WORKDIR /app, ENTRYPOINT ["node", "bin/coldbench.js"].
// A process cannot have a root filesystem of its own, so container paths are translated: the image's
// /app is the checkout, and each volume (a ConfigMap written out, an emptyDir) is a pod-private
// directory; paths under a mount in the command, args, env values and workingDir are rewritten.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_IMAGE = 'coldbench/coldbench:local';

export interface ImageSpec {
  entrypoint: string[];
  workingDir: string;
  /** Container directories the image provides -> host directories. */
  files: Record<string, string>;
}

/** The checkout this emulator runs from (the folder whose package.json names coldbench). */
function checkoutRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'coldbench') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('the kubernetes emulator cannot find the coldbench checkout it runs from');
    dir = parent;
  }
}

export function harnessImage(): ImageSpec {
  return { entrypoint: ['node', 'bin/coldbench.js'], workingDir: '/app', files: { '/app': checkoutRoot() } };
}

export interface ContainerInput {
  command?: string[];
  args?: string[];
  workingDir?: string;
  /** The container's env (container paths, translated). */
  env: Record<string, string>;
  /** What the runtime itself sets (host paths already: HOME, the token's kubeconfig). */
  hostEnv: Record<string, string>;
}

export type Launch = { ok: true; executable: string; argv: string[]; cwd: string; env: Record<string, string> } | { ok: false; reason: string; message: string };

/** Container paths -> host paths: the longest matching prefix wins. */
export function pathTranslator(mounts: Record<string, string>): (value: string) => string {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  return (value) => {
    for (const prefix of prefixes) {
      if (value === prefix || value.startsWith(`${prefix}/`)) return mounts[prefix]! + value.slice(prefix.length);
      // An option written as --flag=/path.
      const eq = value.indexOf('=');
      if (eq > 0 && (value.slice(eq + 1) === prefix || value.slice(eq + 1).startsWith(`${prefix}/`))) return `${value.slice(0, eq + 1)}${mounts[prefix]!}${value.slice(eq + 1 + prefix.length)}`;
    }
    return value;
  };
}

/** How the runtime starts a container of `image` with these volumes; an error when it cannot. */
export function launchContainer(image: ImageSpec, container: ContainerInput, volumes: Record<string, string>): Launch {
  const mounts = { ...image.files, ...volumes };
  const translate = pathTranslator(mounts);
  // Kubernetes: command replaces the ENTRYPOINT; args replace the CMD (the harness image has none).
  const argv = [...(container.command ?? image.entrypoint), ...(container.args ?? [])];
  const [program, ...rest] = argv;
  if (program !== 'node') {
    return { ok: false, reason: 'StartError', message: `failed to create containerd task: exec: "${program ?? ''}": executable file not found in $PATH (the emulated runtime runs node only)` };
  }
  const workingDir = container.workingDir ?? image.workingDir;
  const cwd = translate(workingDir);
  // node's script argument, when relative, is relative to the working directory, as in the container.
  const argvOnHost = rest.map((arg, i) => (i === 0 && !arg.startsWith('/') && !arg.startsWith('-') ? translate(path.posix.join(workingDir, arg)) : translate(arg)));
  const env = { ...container.hostEnv, ...Object.fromEntries(Object.entries(container.env).map(([k, v]) => [k, translate(v)])) };
  return { ok: true, executable: process.execPath, argv: argvOnHost, cwd, env };
}
