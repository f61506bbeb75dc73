/**
 * The example app: the networks of the reference environment, synthesized into cdk.out/
 * with the four cdk-nag packs as validation plugins. It exits non-zero when a pack
 * reports an unacknowledged finding, so `npx projen synth:example` is a compliance gate.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Construct } from 'constructs';
import { SecureStudioVpc, StudioEgress, StudioEndpointSet } from '../src';

/** Internet-free: two AZs, core endpoints plus private Studio sign-in. */
export class SecureStudioIsolated extends Stack {
  public readonly network: SecureStudioVpc;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.network = new SecureStudioVpc(this, 'Network', {
      interfaceEndpoints: [StudioEndpointSet.CORE, StudioEndpointSet.STUDIO_UI],
    });
  }
}

/** Egress through NAT gateways in three AZs, laid out for an EgressFirewall. */
export class SecureStudioFirewall extends Stack {
  public readonly network: SecureStudioVpc;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.network = new SecureStudioVpc(this, 'Network', {
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      egress: StudioEgress.FIREWALL_READY,
      interfaceEndpoints: [StudioEndpointSet.CORE, StudioEndpointSet.STUDIO_UI],
      expectedUsers: 500,
    });
  }
}

/** Builds the example app with the four cdk-nag packs registered. */
export function buildExampleApp(outdir: string): App {
  const app = new App({ outdir });
  new SecureStudioIsolated(app, 'SecureStudioIsolated');
  new SecureStudioFirewall(app, 'SecureStudioFirewall', { env: { region: 'eu-west-1' } });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
  );
  return app;
}

interface ValidationReport {
  readonly pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
}

function main(): void {
  const outdir = path.resolve(__dirname, '..', 'cdk.out');
  const assembly = buildExampleApp(outdir).synth();
  for (const stack of assembly.stacks) {
    const resources = Object.keys(stack.template.Resources ?? {}).length;
    console.log(`${stack.stackName}: ${resources} resources (CloudFormation allows 500), template ${stack.templateFile}`);
  }
  const report: ValidationReport = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
  let failed = false;
  for (const plugin of report.pluginReports) {
    console.log(`${plugin.pluginName}: ${plugin.conclusion}, ${plugin.violations.length} unacknowledged finding(s)`);
    failed ||= plugin.conclusion !== 'success';
  }
  if (failed) {
    console.error(`cdk-nag reported findings; see ${path.join(outdir, 'validation-report.json')}`);
    process.exit(1);
  }
}

if (require.main === module) {
  main();
}
