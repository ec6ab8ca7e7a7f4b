import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { EnvConfig } from '../../runtime/config/env.js';

/** kafkajs TLS and SASL options from the validated environment. */
export function kafkaSecurityOf(env: EnvConfig): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl: KafkaConfig['ssl'] = env.KAFKA_SSL
    ? {
        rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED,
        ...(env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : {}),
      }
    : undefined;
  const sasl: SASLOptions | undefined =
    env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
      ? ({
          mechanism: env.KAFKA_SASL_MECHANISM,
          username: env.KAFKA_SASL_USERNAME,
          password: env.KAFKA_SASL_PASSWORD,
        } as SASLOptions)
      : undefined;
  return { ssl, sasl };
}
