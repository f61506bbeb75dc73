import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Length in characters of a policy document as CloudFormation will receive it, without
 * white space. Unresolved values (account, region, references) are counted as their
 * CloudFormation intrinsic (e.g. `{"Ref":"AWS::AccountId"}`), which is longer than the
 * value AWS sees, so the figure errs on the safe side.
 */
export function policyDocumentLength(scope: IConstruct, document: unknown): number {
  const resolved = Stack.of(scope).resolve(document);
  return resolved === undefined ? 0 : JSON.stringify(resolved).length;
}
