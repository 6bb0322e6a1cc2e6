// What every screen reaches through Svelte context: the backend, the toasts and where the
// window is.
import { getContext, setContext } from "svelte";

import type { Backend } from "./backend/backend";
import type { Navigation } from "./shell/navigation.svelte";
import type { Toasts } from "./toasts.svelte";

const KEY = Symbol("patchbay");

export type AppContext = { backend: Backend; toasts: Toasts; nav: Navigation };

export function provideApp(context: AppContext): void {
  setContext(KEY, context);
}

export function useApp(): AppContext {
  const context = getContext<AppContext | undefined>(KEY);
  if (!context) throw new Error("useApp() outside the app: provideApp() first");
  return context;
}
