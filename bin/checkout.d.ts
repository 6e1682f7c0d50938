// Types of checkout.js, for the TypeScript that imports it (scripts/build.ts, the test runner).
export declare const ROOT: string;
export declare const SRC_DIR: string;
export declare const DIST_DIR: string;
export declare const STAMP_FILE: string;
export declare function sourceState(srcDir?: string): { files: number; newestMs: number };
export declare function staleReason(root?: string): string | undefined;
export declare function ensureFreshBuild(options?: { log?: (text: string) => void }): void;
