/** The server's bounded map serves the page too: it has no Node dependency, and esbuild bundles it. */
export { BoundedMap } from '../util/bounded-map.ts';
