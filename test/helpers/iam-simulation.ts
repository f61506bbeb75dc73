import { runSimulation } from '@cloud-copilot/iam-simulate';

/** The concrete ids that stand in for CloudFormation pseudo parameters in simulations. */
export const SAMPLE_ACCOUNT = '111122223333';
export const SAMPLE_REGION = 'eu-west-1';

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::AccountId': SAMPLE_ACCOUNT,
  'AWS::Region': SAMPLE_REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Replaces CloudFormation intrinsics in a synthesized value (a policy document, say)
 * with concrete values, so that an IAM simulator can evaluate it: pseudo parameters
 * with the sample account and region, `Ref` and `Fn::GetAtt` with the sample ids given
 * (`LogicalId` or `LogicalId.Attribute`), `Fn::Join`, `Fn::Select` and `Fn::Split`
 * evaluated. An intrinsic without a sample id throws, naming what is missing.
 */
export function concretize(value: unknown, sampleIds: Record<string, string> = {}): any {
  if (Array.isArray(value)) {
    return value.map((item) => concretize(item, sampleIds));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const object = value as Record<string, any>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = object[key];
    switch (key) {
      case 'Ref':
        return PSEUDO_PARAMETERS[arg] ?? sample(sampleIds, arg);
      case 'Fn::GetAtt':
        return sample(sampleIds, `${arg[0]}.${arg[1]}`);
      case 'Fn::Join':
        return (concretize(arg[1], sampleIds) as string[]).join(arg[0]);
      case 'Fn::Select':
        return concretize(arg[1], sampleIds)[Number(concretize(arg[0], sampleIds))];
      case 'Fn::Split':
        return (concretize(arg[1], sampleIds) as string).split(arg[0]);
      default:
        break;
    }
  }
  return Object.fromEntries(keys.map((key) => [key, concretize(object[key], sampleIds)]));
}

function sample(sampleIds: Record<string, string>, name: string): string {
  const id = sampleIds[name];
  if (id === undefined) {
    throw new Error(`no sample id for '${name}'; pass it to concretize`);
  }
  return id;
}

/** One request to evaluate, with the policies that apply to it (all concrete). */
export interface SimulatedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount?: string;
  readonly context?: Record<string, string | string[]>;
  readonly identityPolicies?: unknown[];
  readonly resourcePolicy?: unknown;
  readonly endpointPolicies?: unknown[];
  /**
   * Whether the S3 bucket of the request has ABAC enabled: only then does the simulator,
   * like S3, evaluate `aws:ResourceTag/...` on a bucket or object request (the context's
   * tag keys are ignored otherwise).
   */
  readonly bucketAbacEnabled?: boolean;
}

/** The simulator's decision: 'Allowed', 'ExplicitlyDenied' or 'ImplicitlyDenied'. */
export async function simulate(request: SimulatedRequest): Promise<string> {
  const response = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount ?? SAMPLE_ACCOUNT },
      contextVariables: request.context ?? {},
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    vpcEndpointPolicies: request.endpointPolicies?.map((policy, i) => ({ name: `endpoint-${i}`, policy })),
    additionalSettings: request.bucketAbacEnabled ? { s3: { bucketAbacEnabled: true } } : undefined,
  }, {});
  if (response.resultType === 'error') {
    throw new Error(`simulation rejected: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}
