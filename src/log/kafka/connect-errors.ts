import { FraudError } from '../../errors.ts';
import { describeKafkaError, isCredentialsError, tlsTrustFailure } from './errors.ts';
import type { KafkaLogOptions } from './options.ts';

/**
 * Why the first request to the brokers failed, said so that the fix is obvious. Refused
 * credentials and an untrusted certificate are FRAUD_KAFKA_AUTH (a setting to correct,
 * exit code 2, never retried); anything else is FRAUD_KAFKA_UNAVAILABLE, with a hint when
 * the symptom is that of a TLS or SASL mismatch (the broker just hangs up).
 */
export function connectFailure(cause: unknown, options: Pick<KafkaLogOptions, 'brokers' | 'tls' | 'tlsCaFile' | 'sasl'>): FraudError {
  const brokers = options.brokers.join(', ');
  const certificate = tlsTrustFailure(cause);
  if (certificate) {
    return new FraudError('FRAUD_KAFKA_AUTH', `the TLS certificate of the Kafka broker(s) ${brokers} is not trusted: ${certificate.message} (${certificate.code})`, {
      cause,
      canRetry: false,
      problems: [
        options.tlsCaFile
          ? `KAFKA_TLS_CA_FILE=${options.tlsCaFile} does not hold the CA that signed the brokers' certificates (or they do not name the address connected to)`
          : "set KAFKA_TLS_CA_FILE to the PEM file of the CA that signed the brokers' certificates",
      ],
    });
  }
  if (isCredentialsError(cause)) {
    const who = options.sasl ? `the SASL ${options.sasl.mechanism} login of user "${options.sasl.username}"` : 'the connection (it requires SASL)';
    return new FraudError('FRAUD_KAFKA_AUTH', `the Kafka broker(s) ${brokers} refused ${who}: ${describeKafkaError(cause)}`, {
      cause,
      canRetry: false,
      problems: ['check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, and that the brokers enable KAFKA_SASL_MECHANISM'],
    });
  }
  return new FraudError('FRAUD_KAFKA_UNAVAILABLE', `cannot reach the Kafka broker(s) ${brokers}: ${describeKafkaError(cause)}`, {
    cause,
    canRetry: true,
    problems: mismatchHints(describeKafkaError(cause), options),
  });
}

/** A broker that closes the connection at once often expects what the client does not speak. */
function mismatchHints(detail: string, options: Pick<KafkaLogOptions, 'tls' | 'sasl'>): string[] {
  if (/before secure TLS connection was established|wrong version number|packet length too long/i.test(detail)) {
    return ['the listener does not seem to speak TLS: check KAFKA_TLS and the port'];
  }
  if (/Connection closed/i.test(detail)) {
    const missing = [options.tls ? undefined : 'KAFKA_TLS=true', options.sasl ? undefined : 'KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD'].filter((hint) => hint !== undefined);
    if (missing.length > 0) return [`the broker closed the connection: a listener with TLS or SASL needs ${missing.join(' and ')}`];
  }
  return [];
}
