// The same worker WITHOUT the fast-frames shim (`--frames raf`), to measure what the shim changes:
// tfjs then yields through the worker's requestAnimationFrame (display rate).
import "./bench-body";
