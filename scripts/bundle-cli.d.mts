// Types of scripts/bundle-cli.mjs (plain JavaScript so that it runs without a loader), for the tests.
export declare const CLI_BUNDLE_DIR: string;
export declare function outsideImportsAsSubpaths(code: string, file: string, dist: string): string;
export declare function bundleCli(esbuild: unknown, dist: string, compiledFiles: readonly string[], reporterAssets: readonly string[]): void;
