import { useSyncExternalStore } from "react";

const subscribeNever = () => () => undefined;

/**
 * False in the server's HTML, true once React runs in the browser: forms that post through
 * JavaScript keep their buttons disabled until then, so an early click never submits the form
 * natively (as a GET with its fields in the address).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}
