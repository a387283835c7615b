/**
 * Lightweight stand-ins for web `Request`/`Response`/`Headers` objects: a class that implements
 * the hot members itself and builds the standard object only when anything else is touched.
 * This module wires up the "anything else" part once for every such view.
 *
 * The standard class is looked up only when first needed: on Node, touching the global
 * `Request`, `Response` or `Headers` loads undici (about 11 MB resident), which a daemon that
 * only ever sees the views' own members never has to pay.
 */

/** A view that can produce the standard object it stands for. */
export interface StandardView<T extends object> {
  toStandard(): T;
}

/**
 * Makes `view` pass `instanceof` the class `standard()` returns, and makes every member of its
 * prototype that `view.prototype` does not define read through `this.toStandard()`. Until some
 * lookup misses the view's own members, the chain ends in a stand-in that links on first use.
 */
export function forwardToStandard<T extends object>(
  view: { prototype: StandardView<T> },
  standard: () => { prototype: T },
): void {
  let linked: object | undefined;
  const link = (): object => {
    if (!linked) {
      linked = standard().prototype;
      installForwarding(view, linked);
    }
    return linked;
  };
  const standIn = new Proxy({}, {
    getPrototypeOf: () => link(),
    // Awaiting or returning a view looks up `then`, which no standard class has: answering it
    // here keeps the hot path from loading the standard class.
    get: (_target, key, receiver) =>
      key === "then" ? undefined : (link(), Reflect.get(view.prototype, key, receiver)),
    has: (_target, key) => (link(), Reflect.has(view.prototype, key)),
    set: (
      _target,
      key,
      value,
      receiver,
    ) => (link(), Reflect.set(view.prototype, key, value, receiver)),
  });
  Object.setPrototypeOf(view.prototype, standIn);
}

function installForwarding<T extends object>(
  view: { prototype: StandardView<T> },
  standardPrototype: object,
): void {
  const own = new Set<string | symbol>(Reflect.ownKeys(view.prototype));
  for (const key of Reflect.ownKeys(standardPrototype)) {
    if (own.has(key) || key === "constructor") continue;
    const desc = Object.getOwnPropertyDescriptor(standardPrototype, key)!;
    // Plain values such as Symbol.toStringTag are read from the prototype as they are.
    if (!desc.get && typeof desc.value !== "function") continue;
    Object.defineProperty(view.prototype, key, {
      configurable: true,
      get(this: StandardView<T>) {
        const real = this.toStandard();
        const value = desc.get
          ? desc.get.call(real)
          : (real as Record<string | symbol, unknown>)[key];
        return typeof value === "function" ? value.bind(real) : value;
      },
    });
  }
  Object.setPrototypeOf(view.prototype, standardPrototype);
}
