// Side-effect import: `import "@/lib/kernel/fast-rnn/fast-frames-install"` as the FIRST import of
// a worker entry, before anything imports @tensorflow/tfjs.
import { installFastFrames } from "./fast-frames";

installFastFrames();
