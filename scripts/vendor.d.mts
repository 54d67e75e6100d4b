// Types of scripts/vendor.mjs (plain JavaScript so that it runs without a loader), for the tests.
export declare const VENDORED: ReadonlyArray<{ name: string; packageName: string; onlyNamespace?: string; lazyBuiltins?: readonly string[] }>;
export declare function namespaceMembers(packageName: string, namespace: string, compiledFiles: readonly string[]): string[];
export declare function vendorPackages(esbuild: unknown, dist: string, compiledFiles: readonly string[]): void;
