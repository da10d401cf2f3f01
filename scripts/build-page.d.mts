/** The admin page's build directory (build/page). */
export declare const pageDir: string
/** Build web/admin/ into outdir (default build/page); resolves with outdir. */
export declare const buildPage: (options?: { outdir?: string }) => Promise<string>
