/** Debian's chromium (apt-get install chromium): neither tests nor probes download a browser. */
export const CHROMIUM_PATH = process.env.FRAUD_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Headless in a container: no sandbox (no user namespaces), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
