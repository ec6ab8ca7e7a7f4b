/**
 * `npm run schemas:check -- --registry`: our schemas against what the registry holds, without writing
 * anything. For each of our subjects: is our current version registered (and under which id), and would
 * the registry accept it under the subject's compatibility rule.
 */
import type { SchemaCatalogue } from '../../core/contracts/index.js';
import type { RegistryClient } from './client.js';
import { httpStatusOf, registryReason } from './errors.js';
import { registrySubjectOf, type RegistrationOptions } from './register.js';

export interface SubjectCheck {
  recordName: string;
  subject: string;
  /** The registry id of our current version, when the subject holds it. */
  registeredId?: number;
  /** Whether the registry would accept our current version (true for a subject it does not have yet). */
  compatible: boolean;
  problem?: string;
}

export async function checkAgainstRegistry(
  client: RegistryClient,
  catalogue: SchemaCatalogue,
  options: Omit<RegistrationOptions, 'compatibility'>,
): Promise<SubjectCheck[]> {
  const checks: SubjectCheck[] = [];
  const timeout = client.timeoutMs;
  for (const recordName of catalogue.subjects()) {
    const subject = registrySubjectOf(recordName, options);
    const body = { schema: JSON.stringify(catalogue.latest(recordName).schema) };
    const check: SubjectCheck = { recordName, subject, compatible: true };
    try {
      const found = (await client.api.Subject.registered({ subject, body, timeout })).data() as {
        id?: number;
      };
      check.registeredId = found.id;
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw error;
    }
    if (check.registeredId === undefined) {
      try {
        const reply = (await client.api.Subject.compatible({ subject, body, timeout })).data() as {
          is_compatible?: boolean;
        };
        check.compatible = reply.is_compatible !== false;
        if (!check.compatible) check.problem = 'the registry would refuse our current version';
      } catch (error) {
        // No such subject yet: the first registration creates it.
        if (httpStatusOf(error) !== 404) check.problem = registryReason(error);
      }
    }
    checks.push(check);
  }
  return checks;
}
