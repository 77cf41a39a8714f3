// Public entry of the fast recurrent layers: the kernel installs them once per worker.
export { installFastRecurrentLayers } from "./install";
