// Dependency rules of bench/ (the product) and platforms/ (the local emulators), checked by
// dependency-cruiser in `npm test` (test/dependency-rules.test.ts) and by `npm run deps`.
// TypeScript is parsed with swc (TypeScript 7 has no JS compiler API for dependency-cruiser to use);
// swc reports `import type` like any import, so type-only imports count.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'No import cycle anywhere in bench/ or platforms/ (type-only imports included).',
      severity: 'error',
      from: { path: '^(bench|platforms)/' },
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves: an unresolved one would escape every other rule.',
      severity: 'error',
      from: { path: '^(bench|platforms)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'zod-through-bench-zod',
      comment: 'The product takes zod from bench/zod.ts, which sets it up for a short-lived CLI (jitless).',
      severity: 'error',
      from: { path: '^bench/', pathNot: '^bench/zod\\.ts$' },
      to: { path: '(^|/)node_modules/zod/' },
    },
    {
      name: 'reporters-see-results-only',
      comment: 'Reporters present results.json; they import no adapter and no phase.',
      severity: 'error',
      from: { path: '^bench/reporters/' },
      to: { path: '^bench/(adapters|phases)/' },
    },
    {
      name: 'adapters-no-emulator-or-reporter',
      comment: 'Adapters talk to platforms through their SDKs only: no emulator code, no reporter.',
      severity: 'error',
      from: { path: '^bench/adapters/' },
      to: { path: '^(platforms|bench/reporters)/' },
    },
    {
      name: 'platforms-independent',
      comment: 'The local platforms share no code with the product: nothing from bench/.',
      severity: 'error',
      from: { path: '^platforms/' },
      to: { path: '^bench/' },
    },
    {
      name: 'platforms-only-from-runner',
      comment: 'Only the runner, which starts the emulators a target file asks for, imports platforms/.',
      severity: 'error',
      from: { path: '^bench/', pathNot: '^bench/runner\\.ts$' },
      to: { path: '^platforms/' },
    },
    {
      name: 'runner-through-platform-registry',
      comment: 'The runner reaches the emulators through platforms/registry.ts (and its types) only.',
      severity: 'error',
      from: { path: '^bench/runner\\.ts$' },
      to: { path: '^platforms/', pathNot: '^platforms/(registry|types)\\.ts$' },
    },
    {
      name: 'platform-registry-lazy',
      comment: 'The registry imports each emulator lazily (import()), so a run loads only those it starts.',
      severity: 'error',
      from: { path: '^platforms/registry\\.ts$' },
      to: { path: '^platforms/', pathNot: '^platforms/types\\.ts$', dependencyTypesNot: ['dynamic-import'] },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.mjs', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
