import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The AwsSolutions-IAM5 finding ids cdk-nag reports for one Allow statement: every
 * wildcard action and resource, with references flattened the way cdk-nag writes them
 * (`arn:<AWS::Partition>:...`, policy variables `${x}` as `<x>`).
 */
export function wildcardFindingIds(scope: IConstruct, statement: iam.PolicyStatement): string[] {
  const json = Stack.of(scope).resolve(statement.toStatementJson());
  const actions = [json.Action].flat().filter((action: string) => action.includes('*')).map((action) => `Action::${action}`);
  const resources = [json.Resource].flat().map(flatten).filter((resource) => resource.includes('*')).map((resource) => `Resource::${resource}`);
  return [...actions, ...resources].map((finding) => `AwsSolutions-IAM5[${finding}]`);
}

function flatten(node: any): string {
  if (typeof node === 'string') {
    return node.replace(/\${/g, '<').replace(/}/g, '>');
  }
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  const inner = node['Fn::Sub'] ?? node['Fn::ImportValue'];
  return inner === undefined ? JSON.stringify(node) : flatten(inner);
}
