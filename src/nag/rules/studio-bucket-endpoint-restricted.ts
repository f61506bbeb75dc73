import { AppResources, ResolvedResource } from '../app-resources';
import { actionMatches, conditionKeys, globMatches, isAllow, PolicyStatement, statementsOf } from '../policy';
import { combine, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { roleOf, roleStatements, studioRoleArns } from '../studio';
import { asList, field, flatten, isIntrinsic, referencedLogicalId } from '../values';

/** The data actions a restricting Deny must cover. */
const DATA_ACTIONS = ['s3:GetObject', 's3:PutObject'];
/** Condition keys of the network path, tested with a negated string operator (`StringNotEquals`, `StringNotLike`, `...IfExists`). */
const PATH_KEYS = ['aws:sourcevpce', 'aws:sourcevpc'];
const NEGATED_STRING = /^(For(Any|All)Values:)?StringNot(Equals|Like)(IgnoreCase)?(IfExists)?$/i;
/** The bucket name of an S3 ARN, `arn:<partition>:s3:::<bucket>[/<key>]`. */
const S3_ARN_BUCKET = /^arn:(?:\$\{[^}]*\}|[^:]+):s3:::([^/]*)/;

/** Where Studio names a bucket for notebook sharing, by CloudFormation type. */
const SHARING_PATHS: Record<string, string[]> = {
  'AWS::SageMaker::Domain': ['DefaultUserSettings', 'SharingSettings'],
  'AWS::SageMaker::UserProfile': ['UserSettings', 'SharingSettings'],
};

/**
 * A bucket of the app that Studio uses is non-compliant when no bucket policy of the app
 * denies its data actions (`s3:GetObject` and `s3:PutObject`, by `Action` or
 * `NotAction`) to requests that do not come through a designated VPC endpoint or VPC (a
 * `Deny` testing `aws:SourceVpce` or `aws:SourceVpc` with `StringNotEquals` or
 * `StringNotLike`). Studio uses a bucket when a domain or profile shares notebook
 * outputs to it (`SharingSettings.S3OutputPath`, sharing not disabled), or when a
 * policy of an execution role of a domain or profile (inline, attached, or naming the
 * role) names it: by reference, by name, or by a wildcard that matches its name (e.g.
 * `*sagemaker*` and a bucket named `sagemaker-<region>-<account>`; `*` alone is not
 * counted, unless `StringEquals` on `aws:ResourceTag/<key>` limits it to the buckets
 * carrying those tags, as S3 ABAC grants do). Other buckets are not-applicable: the pack only judges what it can tell.
 */
export function studioBucketEndpointRestricted(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::S3::Bucket' || !usedByStudio(resource, resources)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const policies = resources.ofType('AWS::S3::BucketPolicy').filter((policy) => namesBucket(policy.properties.Bucket, resource));
  if (policies.length === 0) {
    return RuleCompliance.NON_COMPLIANT;
  }
  const verdicts = policies.map((policy): Verdict => {
    const statements = statementsOf(policy.properties.PolicyDocument);
    if (statements === undefined) {
      return resources.unknown(`the PolicyDocument of ${policy.logicalId} (${policy.stackPath})`, policy.properties.PolicyDocument);
    }
    return statements.some(restrictsToEndpoint) ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
  });
  // One restricting policy is enough (a bucket has one policy; several resources may write it in turn).
  return verdicts.includes(RuleCompliance.COMPLIANT) ? RuleCompliance.COMPLIANT : combine(verdicts);
}

function usedByStudio(bucket: ResolvedResource, resources: AppResources): boolean {
  const sharing = Object.entries(SHARING_PATHS).flatMap(([type, path]) => resources.ofType(type).map((r) => field(r.properties, ...path)))
    .filter((settings) => field(settings, 'NotebookOutputOption') !== 'Disabled')
    .map((settings) => flatten(field(settings, 'S3OutputPath')))
    .some((path) => path !== undefined && path.startsWith('s3://') && bucketPartNames(path.slice('s3://'.length).split('/')[0], bucket));
  if (sharing) {
    return true;
  }
  const roles = studioRoleArns(resources).map((arn) => roleOf(arn, resources)).filter((role): role is ResolvedResource => role !== undefined);
  return [...new Set(roles)].some((role) => roleStatements(role, resources).filter(isAllow)
    .some((statement) => asList(statement.Resource).some((arn) => {
      const text = flatten(arn) ?? '';
      if (referencedLogicalId(arn, 'Arn') === bucket.id || text.startsWith(`\${${bucket.id}.Arn}`)) {
        return true;
      }
      const name = S3_ARN_BUCKET.exec(text)?.[1];
      if (name === '*') {
        return tagConditionsName(statement, bucket);
      }
      return name !== undefined && bucketPartNames(name, bucket);
    })));
}

/**
 * True when a statement on every bucket (`arn:…:s3:::*`) is limited by `StringEquals` on
 * `aws:ResourceTag/<key>` (S3 ABAC) to values the bucket's own tags carry: the statement
 * names exactly the buckets tagged that way. `*` without such a condition is not counted.
 */
function tagConditionsName(statement: PolicyStatement, bucket: ResolvedResource): boolean {
  const equals = field(statement.Condition, 'StringEquals');
  if (equals === undefined || equals === null || typeof equals !== 'object') {
    return false;
  }
  const tagged = Object.entries(equals as Record<string, unknown>).filter(([key]) => key.toLowerCase().startsWith('aws:resourcetag/'));
  const tags = new Map(asList(bucket.properties.Tags).map((tag) => [flatten(field(tag, 'Key')), flatten(field(tag, 'Value'))]));
  return tagged.length > 0 && tagged.every(([key, value]) => {
    const expected = asList(value).map((item) => flatten(item));
    const actual = tags.get(key.slice('aws:ResourceTag/'.length));
    return actual !== undefined && expected.includes(actual);
  });
}

/** True when the bucket part of an ARN or S3 URI names the bucket: `${<its id>}`, `${<its id>.Arn}`, its name, or a wildcard that matches its name. */
function bucketPartNames(part: string, bucket: ResolvedResource): boolean {
  if (part === `\${${bucket.id}}`) {
    return true;
  }
  const name = flatten(bucket.properties.BucketName);
  if (name === undefined) {
    return false;
  }
  return part === name || (/[*?]/.test(part) && globMatches(part, name));
}

function namesBucket(value: unknown, bucket: ResolvedResource): boolean {
  if (referencedLogicalId(value) === bucket.id) {
    return true;
  }
  const name = flatten(bucket.properties.BucketName);
  return name !== undefined && !isIntrinsic(value) && flatten(value) === name;
}

/** A Deny of the data actions to requests that do not come through the designated endpoints or VPCs. */
function restrictsToEndpoint(statement: PolicyStatement): boolean {
  if (statement.Effect !== 'Deny' || !conditionKeys(statement).some(({ operator, key }) => PATH_KEYS.includes(key) && NEGATED_STRING.test(operator))) {
    return false;
  }
  if (statement.NotAction !== undefined) {
    return !asList(statement.NotAction).some((pattern) => DATA_ACTIONS.some((action) => actionMatches(pattern, action) !== false));
  }
  return DATA_ACTIONS.every((action) => asList(statement.Action).some((pattern) => actionMatches(pattern, action) === true));
}

export const STUDIO_BUCKET_ENDPOINT_RESTRICTED: StudioRule = {
  id: 'SageMakerStudio-StudioBucketEndpointRestricted',
  level: RuleLevel.ERROR,
  info: 'A bucket that Studio uses (notebook sharing, or named by an execution role\'s policies) has no bucket policy that denies data access from outside the VPC endpoint.',
  explanation: 'The execution role\'s credentials can be taken out of the VPC and used from anywhere; only a bucket policy Deny on ' +
    'aws:SourceVpce keeps the data readable and writable through the endpoint alone.',
  fix: 'Add a bucket policy statement that denies the data actions (NotAction listing only bucket management actions) with ' +
    'StringNotEquals aws:SourceVpce of the S3 endpoint (VpceRestrictedBucket does this).',
  locations: { 'AWS::S3::Bucket': 'Properties' },
  check: studioBucketEndpointRestricted,
};
