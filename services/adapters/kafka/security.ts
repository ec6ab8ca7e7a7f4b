import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
/** The settings this adapter reads, as the runtime's validated environment names them. */
export interface KafkaSecuritySettings {
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

/** kafkajs TLS and SASL options from the validated environment. */
export function kafkaSecurityOf(env: KafkaSecuritySettings): Pick<KafkaConfig, 'ssl' | 'sasl'> {
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
