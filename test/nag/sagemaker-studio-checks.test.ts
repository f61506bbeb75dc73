import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnCondition, CfnParameter, CfnResource, Fn, Lazy, Stack, Validations } from 'aws-cdk-lib';
import { dnsFirewallAssociation, packageSourceEndpoint, studioFixture } from './fixtures';
import { SageMakerStudioChecks } from '../../src';

const VPC_ONLY = 'SageMakerStudio-DomainVpcOnly';
const REASON = 'A sandbox domain for the public workshop; it holds no data.';

/** The fixture of L1 resources, with the DNS Firewall association and package source that make it meet every rule of the pack. */
function compliantFixture(stack?: Stack) {
  const fixture = studioFixture(stack);
  dnsFirewallAssociation(fixture);
  packageSourceEndpoint(fixture);
  return fixture;
}

/** A domain that fails exactly one rule: PublicInternetOnly. */
function publicDomain(stack?: Stack) {
  const fixture = compliantFixture(stack);
  fixture.domain.appNetworkAccessType = 'PublicInternetOnly';
  return fixture;
}

describe('the pack', () => {
  test('has a stable name and one id per rule, none with the "::" that Validations.acknowledge reserves', () => {
    const pack = new SageMakerStudioChecks();
    expect(pack.name).toBe('SageMakerStudio');
    expect(pack.ruleIds).toEqual([
      'SageMakerStudio-DomainVpcOnly',
      'SageMakerStudio-DomainCustomerManagedKey',
      'SageMakerStudio-NotebookSharingEncrypted',
      'SageMakerStudio-IdleShutdownEnabled',
      'SageMakerStudio-DockerAccessDisabled',
      'SageMakerStudio-ExecutionRoleNoFullAccess',
      'SageMakerStudio-AppSecurityGroupsNotOpen',
      'SageMakerStudio-DomainVpcFlowLogs',
      'SageMakerStudio-InterfaceEndpointPolicy',
      'SageMakerStudio-S3GatewayEndpointPolicy',
      'SageMakerStudio-BucketPolicySourceVpceDenies',
      'SageMakerStudio-FirewallPolicyStrictDrop',
      'SageMakerStudio-FirewallRouteByAz',
      'SageMakerStudio-DomainVpcDnsFirewall',
      'SageMakerStudio-FirewallTlsSniChecked',
      'SageMakerStudio-S3EndpointNoWildcardWrites',
      'SageMakerStudio-StudioVpcFlowLogAllTraffic',
      'SageMakerStudio-FirewallNoSharedStorageDomains',
      'SageMakerStudio-StudioBucketEndpointRestricted',
      'SageMakerStudio-DomainPackageSource',
    ]);
    expect(pack.ruleIds!.filter((id) => id.includes('::'))).toEqual([]);
  });

  test('a compliant environment of L1 resources has no finding', () => {
    expect(new SageMakerStudioChecks().validateScope(compliantFixture().stack)).toEqual({ success: true, violations: [] });
  });

  test('reports a finding with its rule, level, description, fix and the construct path and property of the resource', () => {
    const { stack } = publicDomain();
    expect(new SageMakerStudioChecks().validateScope(stack)).toEqual({
      success: false,
      violations: [{
        ruleName: VPC_ONLY,
        severity: 'error',
        description: 'The SageMaker domain does not use the VpcOnly network access type.',
        fix: "Set AppNetworkAccessType to 'VpcOnly' and give the domain private subnets with VPC endpoints (or a controlled egress path).",
        violatingResources: [{ constructPath: 'Test/Domain', locations: ['Properties/AppNetworkAccessType'] }],
      }],
    });
  });

  test('groups the resources that break one rule under one violation', () => {
    const app = new App();
    publicDomain(new Stack(app, 'One'));
    publicDomain(new Stack(app, 'Two'));
    const { violations } = new SageMakerStudioChecks().validateScope(app);
    expect(violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([[VPC_ONLY, ['One/Domain', 'Two/Domain']]]);
  });

  test('verbose descriptions say why the rule exists', () => {
    const { stack } = publicDomain();
    const [violation] = new SageMakerStudioChecks({ verbose: true }).validateScope(stack).violations;
    expect(violation.description).toBe('The SageMaker domain does not use the VpcOnly network access type. With PublicInternetOnly ' +
      "(the default) Studio apps reach the internet through a SageMaker-managed network, bypassing the VPC's routes, endpoints, " +
      'security groups and firewall.');
  });

  test('warnings are reported without failing', () => {
    const { stack, domain } = compliantFixture();
    domain.addPropertyDeletionOverride('DefaultUserSettings.CodeEditorAppSettings');
    const report = new SageMakerStudioChecks().validateScope(stack);
    expect(report.success).toBe(true);
    expect(report.violations.map((v) => [v.ruleName, v.severity])).toEqual([['SageMakerStudio-IdleShutdownEnabled', 'warning']]);
  });

  test('a rule that cannot evaluate a resource reports it with the error, rather than passing it', () => {
    const stack = new Stack(new App(), 'Test');
    new CfnResource(stack, 'Broken', {
      type: 'AWS::SageMaker::Domain',
      properties: { AppNetworkAccessType: Lazy.string({ produce: () => { throw new Error('no value yet'); } }) },
    });
    const [violation] = new SageMakerStudioChecks().validateScope(stack).violations;
    expect(violation).toEqual(expect.objectContaining({
      ruleName: VPC_ONLY,
      description: 'The rule could not be evaluated: Resolution error: Resolution error: Resolution error: no value yet...',
      violatingResources: [{ constructPath: 'Test/Broken', locations: ['Properties/AppNetworkAccessType'] }],
    }));
  });

  test('validate needs the construct tree on the context', () => {
    expect(() => new SageMakerStudioChecks().validate({ templatePaths: [] } as any)).toThrow(
      'SageMakerStudioChecks needs the construct tree on the validation context (aws-cdk-lib 2.258.0 or later); ' +
      'call validateScope(app) after synthesis instead');
  });
});

describe('what a rule could not evaluate', () => {
  /** A compliant environment whose domain takes its VPC from a parameter without a default. */
  function parameterVpc(stack?: Stack) {
    const fixture = compliantFixture(stack);
    fixture.domain.vpcId = new CfnParameter(fixture.stack, 'VpcId', { type: 'AWS::EC2::VPC::Id' }).valueAsString;
    return fixture;
  }
  const reason = 'VpcId is parameter VpcId of Test, which has no default';

  test('is listed in an entry of severity info per rule, with the reason for each resource, and does not fail', () => {
    const report = new SageMakerStudioChecks().validateScope(parameterVpc().stack);
    expect(report.success).toBe(true);
    expect(report.violations).toEqual(['SageMakerStudio-DomainVpcFlowLogs', 'SageMakerStudio-DomainVpcDnsFirewall'].map((ruleName) => ({
      ruleName,
      severity: 'info',
      description: expect.stringMatching(/^Not evaluated: the rule could not tell whether these resources comply .* The rule: The VPC of the SageMaker domain has no /),
      fix: expect.stringContaining('Check these resources by hand'),
      violatingResources: [{ constructPath: 'Test/Domain', locations: ['Properties/VpcId'] }],
      ruleMetadata: { 'Test/Domain': reason },
    })));
    expect(report.metadata).toEqual({
      notEvaluated: "2 rule(s) could not evaluate 1 resource(s): see the entries of severity 'info' for the reason of each; they are neither passed nor findings",
    });
  });

  test('comes after the findings, which still fail synthesis', () => {
    const fixture = parameterVpc();
    fixture.domain.appNetworkAccessType = 'PublicInternetOnly';
    const report = new SageMakerStudioChecks().validateScope(fixture.stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => [v.ruleName, v.severity])).toEqual([
      [VPC_ONLY, 'error'], ['SageMakerStudio-DomainVpcFlowLogs', 'info'], ['SageMakerStudio-DomainVpcDnsFirewall', 'info'],
    ]);
  });

  test('is left out once the rule is acknowledged on the resource', () => {
    const fixture = parameterVpc();
    Validations.of(fixture.domain).acknowledge({ id: 'SageMakerStudio-DomainVpcFlowLogs', reason: 'The VPC and its flow logs belong to the network account.' });
    expect(new SageMakerStudioChecks().validateScope(fixture.stack).violations.map((v) => v.ruleName)).toEqual(['SageMakerStudio-DomainVpcDnsFirewall']);
  });

  test('a finding that holds only for some choices of conditions says which', () => {
    const fixture = compliantFixture();
    const strict = new CfnCondition(fixture.stack, 'Strict', { expression: Fn.conditionEquals(fixture.stack.region, 'eu-west-1') });
    fixture.domain.addPropertyOverride('AppNetworkAccessType', Fn.conditionIf(strict.logicalId, 'VpcOnly', 'PublicInternetOnly'));
    const [finding] = new SageMakerStudioChecks().validateScope(fixture.stack).violations;
    expect(finding).toEqual(expect.objectContaining({ ruleName: VPC_ONLY, ruleMetadata: { 'Test/Domain': 'non-compliant when Strict of Test is false' } }));
  });
});

describe('acknowledgements, as cdk-nag v3 reads them', () => {
  test('Validations.acknowledge on the resource, or on an ancestor, suppresses its finding', () => {
    const onResource = publicDomain();
    Validations.of(onResource.domain).acknowledge({ id: VPC_ONLY, reason: REASON });
    expect(new SageMakerStudioChecks().validateScope(onResource.stack).violations).toEqual([]);
    const onStack = publicDomain();
    Validations.of(onStack.stack).acknowledge({ id: VPC_ONLY, reason: REASON });
    expect(new SageMakerStudioChecks().validateScope(onStack.stack).violations).toEqual([]);
  });

  test('acknowledging another rule, or the rule on a sibling, does not', () => {
    const { stack, domain, vpc } = publicDomain();
    Validations.of(domain).acknowledge({ id: 'SageMakerStudio-DomainCustomerManagedKey', reason: REASON });
    Validations.of(vpc).acknowledge({ id: VPC_ONLY, reason: REASON });
    expect(new SageMakerStudioChecks().validateScope(stack).violations.map((v) => v.ruleName)).toEqual([VPC_ONLY]);
  });

  test("the 'Annotation::' prefix of newer aws-cdk-lib versions is read too", () => {
    const { stack, domain } = publicDomain();
    domain.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [`Annotation::${VPC_ONLY}`]: REASON });
    expect(new SageMakerStudioChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('as a validation plugin of the app', () => {
  interface Report {
    readonly pluginReports: {
      pluginName: string;
      conclusion: string;
      violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    }[];
  }

  function synthesize(configure: (stack: Stack) => void): Report {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new SageMakerStudioChecks());
    configure(new Stack(app, 'Studio'));
    const exitCode = process.exitCode;
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const assembly = app.synth();
      return JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf-8'));
    } finally {
      // aws-cdk-lib sets a failing exit code when a plugin reports errors; the test decides.
      process.exitCode = exitCode;
      consoleError.mockRestore();
    }
  }

  test('a finding fails synthesis and is written to the validation report of the assembly', () => {
    const report = synthesize((stack) => publicDomain(stack));
    expect(report.pluginReports).toEqual([expect.objectContaining({
      pluginName: 'SageMakerStudio',
      conclusion: 'failure',
      violations: [expect.objectContaining({ ruleName: VPC_ONLY, violatingConstructs: [expect.objectContaining({ constructPath: 'Studio/Domain' })] })],
    })]);
  });

  test('an acknowledged finding is not', () => {
    const report = synthesize((stack) => Validations.of(publicDomain(stack).domain).acknowledge({ id: VPC_ONLY, reason: REASON }));
    expect(report.pluginReports).toEqual([]);
  });

  test('what a rule could not evaluate is written to the report as information, and synthesis succeeds', () => {
    const report = synthesize((stack) => {
      const { domain } = compliantFixture(stack);
      domain.vpcId = Fn.importValue('NetworkVpcId');
    });
    expect(report.pluginReports).toEqual([expect.objectContaining({
      pluginName: 'SageMakerStudio',
      conclusion: 'success',
      violations: ['SageMakerStudio-DomainVpcFlowLogs', 'SageMakerStudio-DomainVpcDnsFirewall'].map((ruleName) => expect.objectContaining({
        ruleName,
        severity: 'info',
        ruleMetadata: { 'Studio/Domain': "VpcId is the import of 'NetworkVpcId', which no stack of the app (or more than one) exports" },
        violatingConstructs: [expect.objectContaining({ constructPath: 'Studio/Domain' })],
      })),
    })]);
  });
});
