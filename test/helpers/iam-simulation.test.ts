import { concretize, SAMPLE_ACCOUNT, simulate } from './iam-simulation';

const role = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/Analyst`;
const allowGet = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] };

describe('the simulation helper itself', () => {
  test('concretize evaluates intrinsics with sample ids and refuses unknown references', () => {
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] };
    expect(concretize(arn, { Bucket: 'data' })).toBe('arn:aws:s3:::data/*');
    expect(concretize({ 'Fn::GetAtt': ['Role', 'Arn'] }, { 'Role.Arn': role })).toBe(role);
    expect(() => concretize({ Ref: 'Missing' })).toThrow("no sample id for 'Missing'");
  });

  test('allows what an identity policy allows, and an endpoint policy can deny it', async () => {
    const request = { principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::data/file.csv', identityPolicies: [allowGet] };
    expect(await simulate(request)).toBe('Allowed');
    const endpointDeniesOtherBuckets = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::other/*' }],
    };
    expect(await simulate({ ...request, endpointPolicies: [endpointDeniesOtherBuckets] })).toBe('ImplicitlyDenied');
  });

  test('an explicit deny with a condition key decides only when the key matches', async () => {
    const bucketPolicy = {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::data/*',
        Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
      }],
    };
    const request = { principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::data/file.csv', identityPolicies: [allowGet], resourcePolicy: bucketPolicy };
    expect(await simulate({ ...request, context: { 'aws:SourceVpce': 'vpce-1' } })).toBe('Allowed');
    expect(await simulate({ ...request, context: { 'aws:SourceVpce': 'vpce-2' } })).toBe('ExplicitlyDenied');
    expect(await simulate(request)).toBe('ExplicitlyDenied');
  });

  test('a bucket\'s tags (aws:ResourceTag) count only when the bucket has ABAC enabled, as in S3', async () => {
    const allowTagged = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*/*', Condition: { StringEquals: { 'aws:ResourceTag/env': 'a' } } }],
    };
    const request = {
      principal: role, action: 's3:GetObject', resource: 'arn:aws:s3:::data/file.csv', identityPolicies: [allowTagged], context: { 'aws:ResourceTag/env': 'a' },
    };
    expect(await simulate({ ...request, bucketAbacEnabled: true })).toBe('Allowed');
    expect(await simulate(request)).toBe('ImplicitlyDenied');
  });
});
