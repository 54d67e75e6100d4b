// Types of scripts/vendor.mjs (plain JavaScript so that it runs without a loader), for the tests.
export declare const VENDORED: ReadonlyArray<{ name: string; packageName: string }>;
export declare function vendorPackages(esbuild: unknown, dist: string, compiledFiles: readonly string[]): void;
