// Types of scripts/build.mjs (plain JavaScript so that it runs without a loader), for the tests.
export declare const ROOT: string;
export declare const DIST: string;
/** Files besides the sources whose change changes the build. */
export declare const CONFIG_FILES: readonly string[];
export declare function sourceDigest(): string;
export declare function buildState(): 'missing' | 'stale' | 'current';
export declare function build(): { assets: number };
export declare const LAMBDA_ORIGIN_BUNDLE: string;
