import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding. */
export interface NagFinding {
  readonly pack: string;
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/**
 * Runs the four packs the library promises to pass (AwsSolutions, HIPAA Security,
 * NIST 800-53 R5, PCI DSS 3.2.1) over a scope and returns every finding that is not
 * acknowledged. Call it after the stack is synthesized (e.g. after Template.fromStack),
 * so that lazy values and aspects have run.
 */
export function nagFindings(scope: IConstruct): NagFinding[] {
  const packs: NagPack[] = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks()];
  return packs.flatMap((pack) => pack.validateScope(scope).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      pack: pack.readPackName,
      rule: violation.ruleName,
      severity: violation.severity ?? 'error',
      path: resource.constructPath ?? resource.resourceLogicalId ?? '(unknown)',
    }))));
}

/** The unacknowledged findings of level error, as `rule @ path` lines for readable test failures. */
export function nagErrors(scope: IConstruct): string[] {
  return nagFindings(scope)
    .filter((finding) => finding.severity === 'error')
    .map((finding) => `${finding.rule} @ ${finding.path}`);
}
