// The lean build's module: the JavaScript API without the app. scripts/build-lean bundles it
// with the wasm-bindgen glue (./qoscope.js there) into dist-lean/qoscope.js. Pages use it as
//   import init, { connectAsync } from "./qoscope.js"; await init();
import init, { Connection, wasmMemory } from './qoscope.js';
import { makeConnectAsync } from './api.js';

export default init;
export const connectAsync = makeConnectAsync(Connection, wasmMemory);
