// Types of freshness.js (plain JS: launch.js runs it before anything is built).
export declare const BUILD_SOURCES: readonly string[]
export declare const BUILD_OUTPUTS: readonly string[]
export declare function buildIsCurrent(root: string): boolean
