/**
 * Whether a lesson with tfjs cells starts its kernel (worker + TensorFlow.js + wasm) and loads
 * Plotly before the learner asks, so the first run answers in under a second. Not when the
 * browser asks to save data, nor when the learner turned it off (localStorage
 * `courses.kernel.warmStart` = "off"), nor where the kernel cannot run at all.
 */
const WARM_START_KEY = "courses.kernel.warmStart";

export interface WarmStartEnvironment {
  saveData: boolean;
  preference: string | null;
  hasWorker: boolean;
  hasWebAssembly: boolean;
}

export function shouldWarmStart(env: WarmStartEnvironment): boolean {
  return env.hasWorker && env.hasWebAssembly && !env.saveData && env.preference !== "off";
}

/** The page's answers to shouldWarmStart's questions. */
export function browserWarmStartEnvironment(): WarmStartEnvironment {
  let preference: string | null = null;
  try {
    preference = window.localStorage.getItem(WARM_START_KEY);
  } catch {
    // storage disabled: the default applies
  }
  const connection = (navigator as { connection?: { saveData?: boolean } }).connection;
  return {
    saveData: connection?.saveData === true,
    preference,
    hasWorker: typeof Worker !== "undefined",
    hasWebAssembly: typeof WebAssembly !== "undefined",
  };
}
