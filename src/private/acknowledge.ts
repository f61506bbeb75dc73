import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings (by rule id, as cdk-nag v3 reads them from the
 * construct's metadata) on the one construct they concern, with the reason a security
 * reviewer reads. cdk-nag is not a runtime dependency: the ids are plain strings.
 */
export function acknowledgeFindings(scope: IConstruct, reason: string, ruleIds: string[]): void {
  Validations.of(scope).acknowledge(...ruleIds.map((id) => ({ id, reason })));
}
