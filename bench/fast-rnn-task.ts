// Times the recurrent reference task on whatever tfjs instance and backend it is given, so the
// Node bench and the browser (Web Worker) bench run exactly the same code.
import type * as tfTypes from "@tensorflow/tfjs";
import { getFastRnnReport, installFastRecurrentLayers } from "@/lib/kernel/fast-rnn/install";
import { median, referenceWindows, TASK, type BenchModel } from "./reference-task";

type TF = typeof tfTypes;
export type BenchImpl = "stock" | "fast";

export interface BenchRun {
  secondsPerEpoch: number;
  /** Process CPU time per epoch when the runtime can tell (Node), else null. */
  cpuSecondsPerEpoch: number | null;
  epochs: number[];
  warmup: number | undefined;
  finalLoss: number | undefined;
  accelerated: boolean;
}

function buildModel(tf: TF, kind: BenchModel, steps: number): tfTypes.Sequential {
  const model = tf.sequential();
  const cfg = { units: TASK.units, inputShape: [steps, 1] };
  model.add(
    kind === "lstm"
      ? tf.layers.lstm(cfg)
      : kind === "gru"
        ? tf.layers.gru(cfg)
        : tf.layers.simpleRNN(cfg),
  );
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" });
  return model;
}

/** CPU seconds used so far by this process, or null outside Node. */
function cpuNow(): number | null {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } })
    .process;
  if (!p?.cpuUsage) return null;
  const u = p.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface BenchHooks {
  /** Awaited at every epoch begin and end, e.g. so a parent process can read this thread's CPU time. */
  epochMark?: (phase: "begin" | "end") => Promise<void>;
}

/** One warm-up epoch, then `epochs` timed epochs; reports the median. */
export async function timeReferenceTask(
  tf: TF,
  kind: BenchModel,
  impl: BenchImpl,
  epochs: number,
  hooks: BenchHooks = {},
): Promise<BenchRun> {
  const data = referenceWindows();
  const handle = impl === "fast" ? installFastRecurrentLayers(tf) : null;
  try {
    const model = buildModel(tf, kind, data.steps);
    const xs = tf.tensor3d(data.x, [data.windows, data.steps, 1]);
    const ys = tf.tensor2d(data.y, [data.windows, 1]);
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let start = 0;
    let cpuStart: number | null = null;
    const history = await model.fit(xs, ys, {
      batchSize: TASK.batch,
      epochs: epochs + 1,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochBegin: async () => {
          await hooks.epochMark?.("begin");
          start = performance.now();
          cpuStart = cpuNow();
        },
        onEpochEnd: async () => {
          times.push((performance.now() - start) / 1000);
          const cpu = cpuNow();
          if (cpu !== null && cpuStart !== null) cpuTimes.push(cpu - cpuStart);
          await hooks.epochMark?.("end");
        },
      },
    });
    const losses = history.history["loss"] as number[];
    const layerName = model.layers[0]?.name;
    const accelerated =
      impl === "fast" && getFastRnnReport().some((r) => r.layer === layerName && r.accelerated);
    xs.dispose();
    ys.dispose();
    model.dispose();
    return {
      secondsPerEpoch: median(times.slice(1)),
      cpuSecondsPerEpoch: cpuTimes.length > 1 ? median(cpuTimes.slice(1)) : null,
      epochs: times.slice(1),
      warmup: times[0],
      finalLoss: losses[losses.length - 1],
      accelerated,
    };
  } finally {
    handle?.uninstall();
  }
}
