/**
 * The example app: the reference environment, synthesized into cdk.out/
 * with the four cdk-nag packs as validation plugins. It exits non-zero when a pack
 * reports an unacknowledged finding, so `npx projen synth:example` is a compliance gate.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { fixedMonthlyCost, MAX_RESOURCES, policySizeLines, PRICES } from './template-summary';
import { SageMakerStudioChecks, SecureStudio, StudioEgress, StudioPersona, StudioUser } from '../src';

const TEAM = 'ml-platform';
const DATA_BUCKETS = ['data', 'models'];
const USERS: StudioUser[] = [
  { name: 'data-scientist', persona: StudioPersona.DATA_SCIENTIST },
  { name: 'mlops-engineer', persona: StudioPersona.MLOPS },
];

/** Internet-free: two AZs, VPC endpoints only. */
export class SecureStudioIsolated extends Stack {
  public readonly studio: SecureStudio;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.studio = new SecureStudio(this, 'Studio', { team: TEAM, dataBuckets: DATA_BUCKETS, users: USERS });
  }
}

/**
 * Exact download hosts of pip, conda-forge and Git over HTTPS, no wildcard domains
 * (docs/decisions/007-reference-download-hosts.md).
 */
export const REFERENCE_DOWNLOAD_HOSTS = ['pypi.org', 'files.pythonhosted.org', 'conda.anaconda.org', 'github.com', 'codeload.github.com', 'objects.githubusercontent.com'];

/** Three AZs with internet egress through NAT gateways and Network Firewall, to an allow-list of download hosts. */
export class SecureStudioFirewall extends Stack {
  public readonly studio: SecureStudio;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.studio = new SecureStudio(this, 'Studio', {
      team: TEAM,
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      egress: StudioEgress.FIREWALL_READY,
      allowedDomains: REFERENCE_DOWNLOAD_HOSTS,
      dataBuckets: DATA_BUCKETS,
      users: USERS,
    });
  }
}

/**
 * Internet-free, with the workspaces of issue 19 turned on: an MLflow tracking server for the
 * team, a private JupyterLab and Code Editor space per user (shared spaces refused), and an
 * image catalog whose approved image the domain offers.
 */
export class SecureStudioWorkspaces extends Stack {
  public readonly studio: SecureStudio;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.studio = new SecureStudio(this, 'Studio', {
      team: TEAM,
      dataBuckets: DATA_BUCKETS,
      users: USERS,
      mlflow: true,
      privateSpaces: { jupyterLab: true, codeEditor: true },
      allowSharedSpaces: false,
      customImages: true,
    });
    this.studio.imageCatalog!.addImage('team-pytorch', { tag: '2026.11.1' });
  }
}

/** Builds the example app with the four cdk-nag packs and this library's SageMakerStudio pack registered. */
export function buildExampleApp(outdir: string): App {
  const app = new App({ outdir });
  new SecureStudioIsolated(app, 'SecureStudioIsolated');
  new SecureStudioFirewall(app, 'SecureStudioFirewall', { env: { region: 'eu-west-1' } });
  new SecureStudioWorkspaces(app, 'SecureStudioWorkspaces');
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new SageMakerStudioChecks(),
  );
  return app;
}

interface ValidationReport {
  readonly pluginReports: { conclusion: string; violations: unknown[] }[];
}

function main(): void {
  const outdir = path.resolve(__dirname, '..', 'cdk.out');
  const app = buildExampleApp(outdir);
  const assembly = app.synth();
  console.log(`acknowledged findings (cdk-nag ids, each with its reason on the construct it concerns): ${acknowledgementCount(app)}`);
  for (const stack of assembly.stacks) {
    const resources = Object.keys(stack.template.Resources ?? {}).length;
    const items = fixedMonthlyCost(stack.template);
    const cost = items.reduce((sum, item) => sum + item.monthlyUsd, 0);
    console.log(`${stack.stackName} (${stack.templateFile}): ${resources} of ${MAX_RESOURCES} resources; ` +
      `estimated fixed cost ${cost.toFixed(0)} USD/month at ${PRICES.region} list prices (data processing excluded) = ` +
      items.filter((item) => item.count > 0).map((item) => `${item.count} ${item.label} ${item.monthlyUsd.toFixed(0)}`).join(' + '));
    policySizeLines(stack.template).forEach((line) => console.log(`  ${line}`));
  }
  // The report lists the plugins that found something; an empty list means every pack passed.
  const reportFile = path.join(outdir, 'validation-report.json');
  const report: ValidationReport = JSON.parse(fs.readFileSync(reportFile, 'utf-8'));
  const findings = report.pluginReports.reduce((sum, plugin) => sum + plugin.violations.length, 0);
  console.log(`cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1) and SageMakerStudio: ${findings} unacknowledged finding(s)`);
  if (report.pluginReports.some((plugin) => plugin.conclusion !== 'success')) {
    console.error(`cdk-nag reported findings; see ${reportFile}`);
    process.exit(1);
  }
}

/** How many finding ids the constructs of the app acknowledge (Validations metadata). */
function acknowledgementCount(scope: IConstruct): number {
  return scope.node.findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .reduce((sum, entry) => sum + Object.keys(entry.data).length, 0);
}

if (require.main === module) {
  main();
}
