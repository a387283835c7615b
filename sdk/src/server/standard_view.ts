/**
 * Lightweight stand-ins for web `Request`/`Response` objects: a class that implements the hot
 * members itself and builds the standard object only when anything else is touched. This module
 * wires up the "anything else" part once for every such view.
 */

/** A view that can produce the standard object it stands for. */
export interface StandardView<T extends object> {
  toStandard(): T;
}

/**
 * Makes `view` pass `instanceof standard`, and makes every member of `standard.prototype` that
 * `view.prototype` does not define read through `this.toStandard()`.
 */
export function forwardToStandard<T extends object>(
  view: { prototype: StandardView<T> },
  standard: { prototype: T },
): void {
  const own = new Set(Object.getOwnPropertyNames(view.prototype));
  for (const key of Object.getOwnPropertyNames(standard.prototype)) {
    if (own.has(key) || key === "constructor") continue;
    const desc = Object.getOwnPropertyDescriptor(standard.prototype, key)!;
    Object.defineProperty(view.prototype, key, {
      configurable: true,
      get(this: StandardView<T>) {
        const real = this.toStandard();
        const value = desc.get ? desc.get.call(real) : (real as Record<string, unknown>)[key];
        return typeof value === "function" ? value.bind(real) : value;
      },
    });
  }
  Object.setPrototypeOf(view.prototype, standard.prototype);
}
