/** Object stores for tests: a real store with some of its calls replaced. */
import type { ObjectStore } from '../../src/landing/store.js';

/** `inner` with the given methods replaced; every other call goes to `inner`. */
export function overriding(
  inner: ObjectStore,
  overrides: Partial<Omit<ObjectStore, 'root'>>,
): ObjectStore {
  return {
    root: inner.root,
    get: (k) => inner.get(k),
    put: (k, b) => inner.put(k, b),
    putIfAbsent: (k, b) => inner.putIfAbsent(k, b),
    head: (k) => inner.head(k),
    list: (p) => inner.list(p),
    delete: (k) => inner.delete(k),
    uri: (k) => inner.uri(k),
    ...overrides,
  };
}
