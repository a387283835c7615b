// The Node version hero_proc needs, checked by the launcher before anything else loads, so an
// older Node gets one line instead of a stack trace. Plain JavaScript any Node can parse.

/** Oldest Node that runs hero_proc: type stripping unflagged, node:sqlite, getBuiltinModule. */
export const MIN_NODE = "22.18.0";

/** The one-line complaint about `version` (e.g. "20.20.2"), or undefined when it is new enough. */
export function nodeVersionProblem(version, execPath = "node") {
  const have = version.split(".").map(Number);
  const need = MIN_NODE.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > need[i]) return undefined;
    if ((have[i] ?? 0) < need[i]) {
      return `hero_proc needs Node >= ${MIN_NODE}, but ${execPath} is ${version}; ` +
        `run it through npm (npx hero_proc, which uses the Node 24 that npm install brings) ` +
        `or install a newer Node`;
    }
  }
  return undefined;
}
