import { CfnParameter, Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { check, COMPLIANT, executionRole, NON_COMPLIANT, NOT_APPLICABLE, NOT_EVALUATED, reasons, securityGroup, studioFixture, userProfile } from './fixtures';
import { APP_SECURITY_GROUPS_NOT_OPEN } from '../../src/nag/rules/app-security-groups-not-open';
import { DOCKER_ACCESS_DISABLED } from '../../src/nag/rules/docker-access-disabled';
import { DOMAIN_CUSTOMER_MANAGED_KEY } from '../../src/nag/rules/domain-customer-managed-key';
import { DOMAIN_VPC_FLOW_LOGS } from '../../src/nag/rules/domain-vpc-flow-logs';
import { DOMAIN_VPC_ONLY } from '../../src/nag/rules/domain-vpc-only';
import { EXECUTION_ROLE_NO_FULL_ACCESS } from '../../src/nag/rules/execution-role-no-full-access';
import { IDLE_SHUTDOWN_ENABLED } from '../../src/nag/rules/idle-shutdown-enabled';
import { NOTEBOOK_SHARING_ENCRYPTED } from '../../src/nag/rules/notebook-sharing-encrypted';

const SAGEMAKER_FULL_ACCESS = iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerFullAccess').managedPolicyArn;

describe('SageMakerStudio-DomainVpcOnly', () => {
  test('VpcOnly is compliant', () => {
    expect(check(DOMAIN_VPC_ONLY, studioFixture().domain)).toBe(COMPLIANT);
  });

  test('PublicInternetOnly, and no access type (SageMaker defaults to PublicInternetOnly), are not', () => {
    const { domain } = studioFixture();
    domain.appNetworkAccessType = 'PublicInternetOnly';
    expect(check(DOMAIN_VPC_ONLY, domain)).toBe(NON_COMPLIANT);
    domain.appNetworkAccessType = undefined;
    expect(check(DOMAIN_VPC_ONLY, domain)).toBe(NON_COMPLIANT);
  });

  test('an access type from a parameter without a default is not guessed, and says so', () => {
    const { stack, domain } = studioFixture();
    domain.appNetworkAccessType = new CfnParameter(stack, 'Access').valueAsString;
    expect(check(DOMAIN_VPC_ONLY, domain)).toBe(NOT_EVALUATED);
    expect(reasons(DOMAIN_VPC_ONLY, domain)).toEqual(['AppNetworkAccessType is parameter Access of Test, which has no default']);
  });

  test("an access type from a parameter's default is checked as deployed with the default", () => {
    const { stack, domain } = studioFixture();
    domain.appNetworkAccessType = new CfnParameter(stack, 'Access', { default: 'PublicInternetOnly' }).valueAsString;
    expect(check(DOMAIN_VPC_ONLY, domain)).toBe(NON_COMPLIANT);
  });
});

describe('SageMakerStudio-DomainCustomerManagedKey', () => {
  test('a key of the stack, a literal key ARN or a customer alias is compliant', () => {
    const { domain } = studioFixture();
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(COMPLIANT);
    domain.kmsKeyId = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(COMPLIANT);
    domain.kmsKeyId = 'alias/studio';
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(COMPLIANT);
  });

  test('no key (the AWS-managed key) or an AWS-managed alias is not', () => {
    const { domain } = studioFixture();
    domain.kmsKeyId = undefined;
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(NON_COMPLIANT);
    domain.kmsKeyId = 'alias/aws/sagemaker';
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(NON_COMPLIANT);
    domain.kmsKeyId = 'arn:aws:kms:eu-west-1:111122223333:alias/aws/sagemaker';
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(NON_COMPLIANT);
  });

  test('a key from a parameter without a default, or an import that no stack of the app exports, is not guessed', () => {
    const { stack, domain } = studioFixture();
    domain.kmsKeyId = new CfnParameter(stack, 'KeyArn').valueAsString;
    expect(check(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toBe(NOT_EVALUATED);
    domain.kmsKeyId = Fn.importValue('StudioKeyArn');
    expect(reasons(DOMAIN_CUSTOMER_MANAGED_KEY, domain)).toEqual(["KmsKeyId is the import of 'StudioKeyArn', which no stack of the app (or more than one) exports"]);
  });
});

describe('SageMakerStudio-NotebookSharingEncrypted', () => {
  test('sharing disabled, not configured (disabled by SageMaker) or allowed with a KMS key is compliant', () => {
    const fixture = studioFixture();
    expect(check(NOTEBOOK_SHARING_ENCRYPTED, fixture.domain)).toBe(COMPLIANT);
    fixture.domain.addPropertyDeletionOverride('DefaultUserSettings.SharingSettings');
    expect(check(NOTEBOOK_SHARING_ENCRYPTED, fixture.domain)).toBe(COMPLIANT);
    fixture.domain.addPropertyOverride('DefaultUserSettings.SharingSettings', {
      NotebookOutputOption: 'Allowed', S3OutputPath: 's3://shared/notebooks', S3KmsKeyId: fixture.key.attrArn,
    });
    expect(check(NOTEBOOK_SHARING_ENCRYPTED, fixture.domain)).toBe(COMPLIANT);
  });

  test('sharing allowed without a KMS key is not, on the domain or on a profile', () => {
    const fixture = studioFixture();
    fixture.domain.addPropertyOverride('DefaultUserSettings.SharingSettings', { NotebookOutputOption: 'Allowed', S3OutputPath: 's3://shared/notebooks' });
    expect(check(NOTEBOOK_SHARING_ENCRYPTED, fixture.domain)).toBe(NON_COMPLIANT);
    const profile = userProfile(fixture, 'Alice', { sharingSettings: { notebookOutputOption: 'Allowed', s3OutputPath: 's3://shared/alice' } });
    expect(check(NOTEBOOK_SHARING_ENCRYPTED, profile)).toBe(NON_COMPLIANT);
  });

  test("a profile without sharing settings inherits the domain's", () => {
    expect(check(NOTEBOOK_SHARING_ENCRYPTED, userProfile(studioFixture(), 'Alice'))).toBe(NOT_APPLICABLE);
  });
});

describe('SageMakerStudio-IdleShutdownEnabled', () => {
  test('idle shutdown with a timeout for JupyterLab and Code Editor is compliant', () => {
    expect(check(IDLE_SHUTDOWN_ENABLED, studioFixture().domain)).toBe(COMPLIANT);
  });

  test('Code Editor without idle shutdown, JupyterLab with it disabled, or enabled without a timeout is not', () => {
    const cases: [string, unknown][] = [
      ['DefaultUserSettings.CodeEditorAppSettings', undefined],
      ['DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.LifecycleManagement', 'DISABLED'],
      ['DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes', undefined],
    ];
    for (const [path, value] of cases) {
      const { domain } = studioFixture();
      if (value === undefined) {
        domain.addPropertyDeletionOverride(path);
      } else {
        domain.addPropertyOverride(path, value);
      }
      expect([path, check(IDLE_SHUTDOWN_ENABLED, domain)]).toEqual([path, NON_COMPLIANT]);
    }
  });

  test('shared spaces with JupyterLab idle shutdown disabled are not', () => {
    const { domain, role } = studioFixture();
    domain.defaultSpaceSettings = {
      executionRole: role.attrArn,
      jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } },
    };
    expect(check(IDLE_SHUTDOWN_ENABLED, domain)).toBe(NON_COMPLIANT);
  });

  test('a profile that disables idle shutdown is not compliant; one that enables it is; one that sets nothing inherits', () => {
    const fixture = studioFixture();
    const off = { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'DISABLED' } } };
    const on = { appLifecycleManagement: { idleSettings: { lifecycleManagement: 'ENABLED', idleTimeoutInMinutes: 120 } } };
    expect(check(IDLE_SHUTDOWN_ENABLED, userProfile(fixture, 'Off', { codeEditorAppSettings: off }))).toBe(NON_COMPLIANT);
    expect(check(IDLE_SHUTDOWN_ENABLED, userProfile(fixture, 'On', { jupyterLabAppSettings: on, codeEditorAppSettings: on }))).toBe(COMPLIANT);
    expect(check(IDLE_SHUTDOWN_ENABLED, userProfile(fixture, 'Inherits'))).toBe(NOT_APPLICABLE);
  });
});

describe('SageMakerStudio-DockerAccessDisabled', () => {
  test('Docker access disabled, or not set (disabled by SageMaker), is compliant', () => {
    const { domain } = studioFixture();
    expect(check(DOCKER_ACCESS_DISABLED, domain)).toBe(COMPLIANT);
    domain.addPropertyDeletionOverride('DomainSettings.DockerSettings');
    expect(check(DOCKER_ACCESS_DISABLED, domain)).toBe(COMPLIANT);
  });

  test('Docker access enabled is not', () => {
    const { domain } = studioFixture();
    domain.addPropertyOverride('DomainSettings.DockerSettings.EnableDockerAccess', 'ENABLED');
    expect(check(DOCKER_ACCESS_DISABLED, domain)).toBe(NON_COMPLIANT);
  });
});

describe('SageMakerStudio-ExecutionRoleNoFullAccess', () => {
  test('roles without managed policies, with other AWS-managed policies or with customer-managed ones are compliant', () => {
    const fixture = studioFixture();
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, fixture.domain)).toBe(COMPLIANT);
    const policy = new iam.CfnManagedPolicy(fixture.stack, 'Policy', {
      policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sagemaker:DescribeDomain', Resource: '*' }] },
    });
    const role = executionRole(fixture.stack, 'ScopedRole', [
      iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess').managedPolicyArn,
      policy.ref,
      'arn:aws:iam::111122223333:policy/team-boundary',
      Fn.sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team-data'),
    ]);
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, userProfile(fixture, 'Alice', { executionRole: role.attrArn }))).toBe(COMPLIANT);
  });

  test("a default role with AmazonSageMakerFullAccess is not, nor a profile's role with AmazonSageMakerCanvasFullAccess", () => {
    const fixture = studioFixture();
    fixture.role.managedPolicyArns = [SAGEMAKER_FULL_ACCESS];
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, fixture.domain)).toBe(NON_COMPLIANT);
    const canvas = executionRole(fixture.stack, 'CanvasRole', ['arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess']);
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, userProfile(fixture, 'Alice', { executionRole: canvas.attrArn }))).toBe(NON_COMPLIANT);
  });

  test('a role referred to by an ARN built around its name is found', () => {
    const fixture = studioFixture();
    const role = executionRole(fixture.stack, 'NamedRole', [SAGEMAKER_FULL_ACCESS]);
    const arn = Fn.join('', ['arn:aws:iam::111122223333:role/', role.ref]);
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, userProfile(fixture, 'Alice', { executionRole: arn }))).toBe(NON_COMPLIANT);
  });

  test('a role given as an ARN string that names no role of the app cannot be checked, and a profile without a role inherits the domain\'s', () => {
    const fixture = studioFixture();
    const imported = userProfile(fixture, 'Alice', { executionRole: 'arn:aws:iam::111122223333:role/SageMakerStudio' });
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, imported)).toBe(NOT_EVALUATED);
    expect(reasons(EXECUTION_ROLE_NO_FULL_ACCESS, imported)).toEqual([
      'UserSettings.ExecutionRole is the role arn:aws:iam::111122223333:role/SageMakerStudio, which the app does not define',
    ]);
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, userProfile(fixture, 'Bob'))).toBe(NOT_APPLICABLE);
  });

  test('a literal ARN that names a role of the app by its RoleName is checked', () => {
    const fixture = studioFixture();
    const role = executionRole(fixture.stack, 'NamedRole', [SAGEMAKER_FULL_ACCESS]);
    role.roleName = 'StudioFullAccess';
    const profile = userProfile(fixture, 'Alice', { executionRole: 'arn:aws:iam::111122223333:role/studio/StudioFullAccess' });
    expect(check(EXECUTION_ROLE_NO_FULL_ACCESS, profile)).toBe(NON_COMPLIANT);
  });
});

describe('SageMakerStudio-AppSecurityGroupsNotOpen', () => {
  const anywhere = '0.0.0.0/0';

  test('groups with HTTPS to anywhere, or egress only by separate rules, are compliant', () => {
    const fixture = studioFixture();
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, fixture.domain)).toBe(COMPLIANT);
    const https = securityGroup(fixture.stack, 'Https', [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: anywhere }]);
    const selfOnly = securityGroup(fixture.stack, 'SelfOnly');
    new ec2.CfnSecurityGroupEgress(fixture.stack, 'SelfOnlyEgress', {
      groupId: selfOnly.attrGroupId, ipProtocol: 'tcp', fromPort: 2049, toPort: 2049, destinationSecurityGroupId: selfOnly.attrGroupId,
    });
    const profile = userProfile(fixture, 'Alice', { securityGroups: [https.attrGroupId, selfOnly.ref] });
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, profile)).toBe(COMPLIANT);
  });

  test('a profile group with ingress from anywhere is not', () => {
    const fixture = studioFixture();
    const ssh = securityGroup(fixture.stack, 'Ssh', [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' }],
      [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: anywhere }]);
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, userProfile(fixture, 'Alice', { securityGroups: [ssh.attrGroupId] }))).toBe(NON_COMPLIANT);
  });

  test('a profile group with all traffic to anywhere, as a separate rule or every IPv6 TCP port, is not', () => {
    const fixture = studioFixture();
    const allTraffic = securityGroup(fixture.stack, 'AllTraffic', [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '10.0.0.0/16' }]);
    new ec2.CfnSecurityGroupEgress(fixture.stack, 'AllTrafficEgress', { groupId: allTraffic.attrGroupId, ipProtocol: '-1', cidrIp: anywhere });
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, userProfile(fixture, 'Alice', { securityGroups: [allTraffic.attrGroupId] }))).toBe(NON_COMPLIANT);
    const allPorts = securityGroup(fixture.stack, 'AllPorts', [{ ipProtocol: 'tcp', fromPort: 0, toPort: 65535, cidrIpv6: '::/0' }]);
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, userProfile(fixture, 'Bob', { securityGroups: [allPorts.attrGroupId] }))).toBe(NON_COMPLIANT);
  });

  test("a group without any egress rule keeps EC2's allow-all default and is not compliant", () => {
    const fixture = studioFixture();
    const noEgress = securityGroup(fixture.stack, 'NoEgress');
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, userProfile(fixture, 'Alice', { securityGroups: [noEgress.attrGroupId] }))).toBe(NON_COMPLIANT);
  });

  test('an open group of the domain is not compliant', () => {
    const fixture = studioFixture();
    fixture.appGroup.securityGroupEgress = [{ ipProtocol: '-1', cidrIp: anywhere }];
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, fixture.domain)).toBe(NON_COMPLIANT);
  });

  test('a group given by id cannot be checked', () => {
    const fixture = studioFixture();
    const profile = userProfile(fixture, 'Alice', { securityGroups: ['sg-0123456789abcdef0'] });
    expect(check(APP_SECURITY_GROUPS_NOT_OPEN, profile)).toBe(NOT_EVALUATED);
    expect(reasons(APP_SECURITY_GROUPS_NOT_OPEN, profile)).toEqual(['UserSettings.SecurityGroups holds the security group sg-0123456789abcdef0, which the app does not define']);
  });
});

describe('SageMakerStudio-DomainVpcFlowLogs', () => {
  test("a flow log of all traffic on the domain's VPC is compliant", () => {
    expect(check(DOMAIN_VPC_FLOW_LOGS, studioFixture().domain)).toBe(COMPLIANT);
  });

  test('no flow log, a flow log of accepted traffic only, or one on another VPC is not', () => {
    const none = studioFixture();
    none.stack.node.tryRemoveChild(none.flowLog.node.id);
    expect(check(DOMAIN_VPC_FLOW_LOGS, none.domain)).toBe(NON_COMPLIANT);
    const acceptOnly = studioFixture();
    acceptOnly.flowLog.trafficType = 'ACCEPT';
    expect(check(DOMAIN_VPC_FLOW_LOGS, acceptOnly.domain)).toBe(NON_COMPLIANT);
    const otherVpc = studioFixture();
    otherVpc.flowLog.resourceId = new ec2.CfnVPC(otherVpc.stack, 'OtherVpc', { cidrBlock: '10.1.0.0/16' }).ref;
    expect(check(DOMAIN_VPC_FLOW_LOGS, otherVpc.domain)).toBe(NON_COMPLIANT);
  });

  test('an imported VPC is compliant with a flow log on its id, and not guessed without one', () => {
    const { domain, flowLog } = studioFixture();
    domain.vpcId = 'vpc-0123456789abcdef0';
    expect(check(DOMAIN_VPC_FLOW_LOGS, domain)).toBe(NOT_EVALUATED);
    expect(reasons(DOMAIN_VPC_FLOW_LOGS, domain)).toEqual(["the domain's VPC vpc-0123456789abcdef0 is not defined in the app; its flow logs may be managed elsewhere"]);
    flowLog.resourceId = 'vpc-0123456789abcdef0';
    expect(check(DOMAIN_VPC_FLOW_LOGS, domain)).toBe(COMPLIANT);
  });
});

test('domain rules do not apply to other resources', () => {
  const { role } = studioFixture();
  for (const rule of [DOMAIN_VPC_ONLY, DOMAIN_CUSTOMER_MANAGED_KEY, NOTEBOOK_SHARING_ENCRYPTED, IDLE_SHUTDOWN_ENABLED, DOCKER_ACCESS_DISABLED,
    EXECUTION_ROLE_NO_FULL_ACCESS, APP_SECURITY_GROUPS_NOT_OPEN, DOMAIN_VPC_FLOW_LOGS]) {
    expect([rule.id, check(rule, role)]).toEqual([rule.id, NOT_APPLICABLE]);
  }
});
