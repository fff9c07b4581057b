/** Written into the bundles by the build from package.json's `version` (esbuild `define`, scripts/build.mjs). */
declare const CANARY_LENS_VERSION: string | undefined;

/** The product's version, the one in package.json; unbundled runs (tests under tsx) read `0.0.0-dev`. */
export const VERSION: string = typeof CANARY_LENS_VERSION === 'string' ? CANARY_LENS_VERSION : '0.0.0-dev';
