import { join, dirname } from 'node:path';
import { runProcess } from '../../src/localkafka/exec.ts';
import { findToolchain } from '../../src/localkafka/index.ts';

/** What a TLS test needs: the broker's key store, the CA that signed it, and a CA that did not. */
export interface TestCertificates {
  /** PKCS12 key store of the broker: its key, its certificate signed by the CA, and the CA. */
  keystore: string;
  password: string;
  /** PEM of the CA that signed the broker: KAFKA_TLS_CA_FILE for clients that should connect. */
  caPem: string;
  /** PEM of another CA: a client trusting only it must refuse the broker. */
  untrustedCaPem: string;
}

/**
 * A private CA and a broker certificate for 127.0.0.1 made with the JDK's keytool, as an
 * operator would: genkeypair for the CA, a key and CSR for the broker, gencert to sign it
 * (SAN ip:127.0.0.1, the address clients connect to), the chain imported into the key store.
 */
export async function makeCertificates(dir: string): Promise<TestCertificates> {
  const { java } = await findToolchain({ env: process.env, needMaven: false });
  const keytool = join(dirname(java), 'keytool');
  const password = 'fraud-test-secret';
  const store = (file: string): string[] => ['-keystore', join(dir, file), '-storetype', 'PKCS12', '-storepass', password];
  const run = async (...args: string[]): Promise<void> => {
    // A quick JVM: keytool's work is small, its start-up is most of its time.
    const result = await runProcess(keytool, ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', ...args], { env: process.env, timeoutMs: 120_000 });
    if (result.code !== 0) throw new Error(`keytool ${args.slice(0, 3).join(' ')} failed: ${result.stderr}${result.stdout}`);
  };
  const newCa = async (name: string): Promise<void> => {
    await run('-genkeypair', '-alias', 'ca', '-dname', `CN=${name}`, '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2', '-ext', 'bc:c', ...store(`${name}.p12`), '-keypass', password);
    await run('-exportcert', '-alias', 'ca', '-rfc', '-file', join(dir, `${name}.pem`), ...store(`${name}.p12`));
  };
  const brokerKey = run('-genkeypair', '-alias', 'broker', '-dname', 'CN=127.0.0.1', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '2', ...store('broker.p12'), '-keypass', password);
  await Promise.all([newCa('fraud-test-ca'), newCa('fraud-untrusted-ca'), brokerKey]);
  await run('-certreq', '-alias', 'broker', '-file', join(dir, 'broker.csr'), ...store('broker.p12'));
  await run('-gencert', '-alias', 'ca', '-infile', join(dir, 'broker.csr'), '-outfile', join(dir, 'broker.pem'), '-rfc', '-validity', '2', '-ext', 'SAN=ip:127.0.0.1,dns:localhost', '-ext', 'EKU=serverAuth', ...store('fraud-test-ca.p12'));
  await run('-importcert', '-alias', 'ca', '-file', join(dir, 'fraud-test-ca.pem'), '-noprompt', ...store('broker.p12'));
  await run('-importcert', '-alias', 'broker', '-file', join(dir, 'broker.pem'), ...store('broker.p12'));
  return { keystore: join(dir, 'broker.p12'), password, caPem: join(dir, 'fraud-test-ca.pem'), untrustedCaPem: join(dir, 'fraud-untrusted-ca.pem') };
}
