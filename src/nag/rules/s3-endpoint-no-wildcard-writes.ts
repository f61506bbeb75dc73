import { AppResources, ResolvedResource } from '../app-resources';
import { isEndpointOf } from '../endpoints';
import { actionMatches, conditionKeys, PolicyStatement, statementsOf } from '../policy';
import { combine, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { asList, flatten, isIntrinsic } from '../values';

/** The action that writes an object (uploads and multipart parts). */
const WRITE = 's3:PutObject';
/** Condition keys that bind the bucket's owner: a statement that tests one reaches only the buckets of an account or organization. */
const OWNER_KEYS = ['aws:resourceaccount', 's3:resourceaccount', 'aws:resourceorgid', 'aws:resourceorgpaths'];
/** The bucket name of an S3 ARN, `arn:<partition>:s3:::<bucket>[/<key>]`. */
const S3_ARN_BUCKET = /^arn:(?:\$\{[^}]*\}|[^:]+):s3:::([^/]*)/;

/**
 * An S3 gateway endpoint is non-compliant when its policy lets the VPC write objects
 * (`s3:PutObject`, by any pattern that matches it: `s3:Put*`, `s3:*`, `*`...) to buckets
 * named by a wildcard: `*`, `arn:<partition>:s3:::*`, `arn:aws:s3:::*sagemaker*` (and its objects),
 * `arn:aws:s3:::sagemaker-*` (or by `NotResource`), in an `Allow` that does not test
 * the bucket's owner (`aws:ResourceAccount`, `s3:ResourceAccount`, `aws:ResourceOrgID`,
 * `aws:ResourceOrgPaths`), unless a `Deny` that tests the owner covers the writes. No
 * policy is S3's full access: non-compliant. Conditions on the principal
 * (`aws:PrincipalAccount`) do not count: they say who writes, not where.
 */
export function s3EndpointNoWildcardWrites(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::EC2::VPCEndpoint') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const concerned = isEndpointOf('s3-gateway', resource, resources);
  if (concerned !== true) {
    return concerned === false ? RuleCompliance.NOT_APPLICABLE : concerned;
  }
  const document = resource.properties.PolicyDocument;
  if (document === undefined) {
    return RuleCompliance.NON_COMPLIANT;
  }
  const statements = statementsOf(document);
  if (statements === undefined) {
    return resources.unknown('PolicyDocument', document);
  }
  if (statements.some((s) => s.Effect === 'Deny' && testsOwner(s) && writes(s) === true && anyBucket(s) === true)) {
    return RuleCompliance.COMPLIANT;
  }
  return combine([RuleCompliance.COMPLIANT, ...statements.map((s, i): Verdict => {
    if (isIntrinsic(s) || isIntrinsic(s.Effect)) {
      return resources.unknown(`Statement[${i}] of PolicyDocument`, isIntrinsic(s) ? s : s.Effect);
    }
    if (s.Effect !== 'Allow' || testsOwner(s)) {
      return RuleCompliance.COMPLIANT;
    }
    const [write, wildcard] = [writes(s), anyBucket(s)];
    if (write === false || wildcard === false) {
      return RuleCompliance.COMPLIANT;
    }
    if (write === undefined || wildcard === undefined) {
      return resources.unknown(`the ${write === undefined ? 'actions' : 'resources'} of Statement[${i}] of PolicyDocument`,
        asList(write === undefined ? s.Action ?? s.NotAction : s.Resource).find((value) => flatten(value)?.includes('${') !== false));
    }
    return RuleCompliance.NON_COMPLIANT;
  })]);
}

/** True when the statement tests the owner of the bucket. */
function testsOwner(statement: PolicyStatement): boolean {
  return conditionKeys(statement).some(({ key }) => OWNER_KEYS.includes(key));
}

/** Whether the statement's actions cover `s3:PutObject`; `undefined` when an action is only known at deploy time. */
function writes(statement: PolicyStatement): boolean | undefined {
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction).map((pattern) => actionMatches(pattern, WRITE));
    return excluded.includes(true) ? false : excluded.includes(undefined) ? undefined : true;
  }
  const matches = asList(statement.Action).map((pattern) => actionMatches(pattern, WRITE));
  return matches.includes(true) ? true : matches.includes(undefined) ? undefined : false;
}

/** Whether the statement's resources name buckets by a wildcard; `undefined` when a resource is only known at deploy time. */
function anyBucket(statement: PolicyStatement): boolean | undefined {
  if (statement.NotResource !== undefined) {
    return true;
  }
  const wildcards = asList(statement.Resource).map((resource) => {
    const text = flatten(resource);
    if (text === undefined) {
      return undefined;
    }
    if (text === '*') {
      return true;
    }
    const bucket = S3_ARN_BUCKET.exec(text)?.[1];
    return bucket !== undefined && /[*?]/.test(bucket);
  });
  return wildcards.includes(true) ? true : wildcards.includes(undefined) ? undefined : false;
}

export const S3_ENDPOINT_NO_WILDCARD_WRITES: StudioRule = {
  id: 'SageMakerStudio-S3EndpointNoWildcardWrites',
  level: RuleLevel.ERROR,
  info: 'The S3 gateway endpoint policy allows writing objects to buckets named by a wildcard (e.g. * or *sagemaker*), whoever owns them.',
  explanation: 'Anyone can create a bucket whose name matches a wildcard such as *sagemaker*; writes that the endpoint admits to ' +
    "such a name reach another account's bucket, which moves data out of an internet-free VPC. A condition on the principal does not help: " +
    'it says who writes, not where.',
  fix: 'Name the buckets Studio may write to (the environment\'s own, e.g. sagemaker-<region>-<account>), or add aws:ResourceAccount ' +
    '(or aws:ResourceOrgID) to the statements that allow writes with a wildcard.',
  locations: { 'AWS::EC2::VPCEndpoint': 'Properties/PolicyDocument' },
  check: s3EndpointNoWildcardWrites,
};
