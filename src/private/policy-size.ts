import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Length in characters of a policy document as CloudFormation will receive it, without
 * white space. Unresolved values (account, region, references) are counted as their
 * CloudFormation intrinsic (e.g. `{"Ref":"AWS::AccountId"}`), which is longer than the
 * value AWS sees, so the figure errs on the safe side.
 */
export function policyDocumentLength(scope: IConstruct, document: unknown): number {
  if (document === undefined) {
    return 0;
  }
  return JSON.stringify(Stack.of(scope).resolve(document)).length;
}
