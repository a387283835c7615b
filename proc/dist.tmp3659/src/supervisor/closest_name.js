/**
 * "Did you mean": the known name closest to a mistyped one (edit distance, or a prefix match),
 * or undefined when nothing is close enough to be a useful suggestion.
 */

/** The closest of `names` to `wanted`, if any is reasonably close. */
export function closestName(wanted        , names          )                     {
  let best                    ;
  let bestDistance = Infinity;
  for (const n of names) {
    const d = n.startsWith(wanted) || wanted.startsWith(n) ? 1 : distance(wanted, n);
    if (d < bestDistance) (best = n), (bestDistance = d);
  }
  return bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}

function distance(a        , b        )         {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
