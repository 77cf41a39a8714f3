// Web Worker entry of `npm run bench:fast-rnn -- --browser`. The first import makes tf.nextFrame()
// cheap in this worker (see fast-frames.ts); it must be evaluated before tfjs.
import "@/lib/kernel/fast-rnn/fast-frames-install";
import "./bench-body";
