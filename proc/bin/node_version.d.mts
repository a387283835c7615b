/** Oldest Node that runs hero_proc. */
export declare const MIN_NODE: string;
/** The one-line complaint about `version`, or undefined when it is new enough. */
export declare function nodeVersionProblem(version: string, execPath?: string): string | undefined;
