/**
 * Prints, for this machine, what the example environment costs to synthesize and how close
 * it is to AWS limits: synth times, resources per stack, the largest policy of each kind,
 * how many buckets one S3 endpoint and one SecureStudio hold, how many user profiles one stack holds, and the
 * estimated fixed monthly cost of each stack. Numbers to read, never a pass/fail.
 */
import { performance } from 'perf_hooks';
import { Stack } from 'aws-cdk-lib';
import { bucketsPerS3Endpoint, printSecureStudioBucketCapacity, profileResources, resourcesPerUser, userScaling, usersPerEnvironment } from './capacity';
import { buildExampleApp } from '../examples/app';
import { fixedMonthlyCost, MAX_RESOURCES, policySizeLines, PRICES, resourcesOf, synthTemplates, Templates, withOutdir } from '../examples/template-summary';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Milliseconds of one run: buildExampleApp plus synth(), or, given a stack name, only the
 * synth() of the example app from which every other stack was removed after it was built.
 */
function timeRun(onlyStack?: string): number {
  return withOutdir((outdir) => {
    const start = performance.now();
    const app = buildExampleApp(outdir);
    if (onlyStack !== undefined) {
      app.node.children.filter((child) => Stack.isStack(child) && child.stackName !== onlyStack)
        .forEach((other) => app.node.tryRemoveChild(other.node.id));
    }
    const synthStart = onlyStack === undefined ? start : performance.now();
    app.synth();
    return performance.now() - synthStart;
  });
}

function printTimings(stackNames: string[]): void {
  const medianOf = (onlyStack?: string) => median(Array.from({ length: RUNS }, () => timeRun(onlyStack))).toFixed(0);
  console.log(`\nSynth time, median of ${RUNS} runs, four cdk-nag packs included:`);
  console.log(`  whole example app, buildExampleApp + synth(): ${medianOf()} ms`);
  for (const name of stackNames) {
    console.log(`  ${name}: synth() of the example app holding only this stack (build not timed): ${medianOf(name)} ms`);
  }
}

function printStacks(templates: Templates): void {
  for (const [name, template] of Object.entries(templates)) {
    console.log(`\n${name}: ${resourcesOf(template).length} of ${MAX_RESOURCES} resources`);
    policySizeLines(template).forEach((line) => console.log(`  ${line}`));
    const items = fixedMonthlyCost(template);
    const total = items.reduce((sum, item) => sum + item.monthlyUsd, 0);
    console.log(`  estimated fixed cost: ${total.toFixed(2)} USD/month = ` +
      items.map((item) => `${item.count} ${item.label} ${item.monthlyUsd.toFixed(2)}`).join(' + '));
  }
  console.log('\nPolicy sizes count references as their (longer) CloudFormation intrinsics. Costs are ESTIMATES at ' +
    `${PRICES.region} list prices stated on ${PRICES.statedOn} (check against AWS pricing): NAT gateway ` +
    `${PRICES.natGatewayPerHour}, interface endpoint ${PRICES.interfaceEndpointPerAzPerHour} per AZ, firewall endpoint ` +
    `${PRICES.firewallEndpointPerHour} USD/h, ${PRICES.hoursPerMonth} h/month; KMS key ${PRICES.kmsKeyPerMonth} USD/month. ` +
    'Data processing (per GB), logs and other usage excluded; AWS waives NAT gateway hours one-to-one against Network ' +
    'Firewall endpoint hours (not subtracted).');
}

function printBucketCapacity(): void {
  const { buckets, errorBeyond } = bucketsPerS3Endpoint();
  console.log(`\nVpceRestrictedBuckets on one S3 endpoint (sharing one key and log bucket): ${buckets} synthesize; one more fails with:`);
  console.log(`  ${errorBeyond.split('\n')[0]}`);
}

function printProfileCapacity(templates: Templates): void {
  const { domainStack, perSharedSgProfile, perOwnSgProfile } = profileResources();
  const room = (resources: number, perProfile: number) => Math.floor((MAX_RESOURCES - resources) / perProfile);
  const fit = (resources: number) =>
    `${room(resources, perSharedSgProfile)} more profiles (domain security group) or ${room(resources, perOwnSgProfile)} (ownSecurityGroup)`;
  console.log(`\nStudioDomain user profiles before ${MAX_RESOURCES} resources: each adds ${perSharedSgProfile} resource(s) ` +
    `with the domain's security group, ${perOwnSgProfile} with ownSecurityGroup: true`);
  console.log(`  stack of a SecureStudioVpc, a role and a StudioDomain (${domainStack} resources): ${fit(domainStack)}`);
  for (const [name, template] of Object.entries(templates)) {
    const resources = resourcesOf(template).length;
    const profiles = resourcesOf(template, 'AWS::SageMaker::UserProfile').length;
    console.log(`  ${name} (${resources} resources, ${profiles} profiles): ${fit(resources)}`);
  }
  console.log('  beyond that: the profiles in nested stacks (StudioUsers, as SecureStudio does), or a second StudioDomain');
}

const USER_COUNTS = [50, 200, 500];
const USER_RUNS = 5;

function printUserScaling(): void {
  const [base, ...points] = userScaling([0, ...USER_COUNTS], USER_RUNS);
  console.log(`\nSecureStudio users (internet-free defaults, profiles in nested stacks, no cdk-nag), build + synth, median of ${USER_RUNS} runs:`);
  console.log(`  0 users: ${base.synthMs.toFixed(0)} ms, parent stack ${base.parentResources} resources`);
  for (const point of points) {
    const perUser = (point.synthMs - base.synthMs) / point.users;
    console.log(`  ${point.users} users: ${point.synthMs.toFixed(0)} ms (${perUser.toFixed(2)} ms per user over 0 users); parent stack ` +
      `${point.parentResources} resources, ${point.nestedStacks} nested stacks (largest ${point.largestNestedStackResources} resources), ` +
      `${point.resourcesPerUser} resources per user`);
  }
  const [first] = points;
  const added = (point: typeof first) => point.synthMs - base.synthMs;
  console.log(`  ratio to ${first.users} users: ` + points.slice(1).map((point) =>
    `${point.users} users (${point.users / first.users}x) take ${(point.synthMs / first.synthMs).toFixed(2)}x the time, ` +
    `${(added(point) / added(first)).toFixed(1)}x the time users add`).join('; '));
  console.log('  each further user: ' + points.slice(1).map((point, i) =>
    `${((point.synthMs - points[i].synthMs) / (point.users - points[i].users)).toFixed(2)} ms from ${points[i].users} to ${point.users} users`).join(', ') +
    ' (the first users of each of the 32 nested stacks also create it)');
  for (const privateSpaces of [0, 2]) {
    const { byAddresses, byResources } = usersPerEnvironment(privateSpaces);
    console.log(`  users per environment with ${privateSpaces} private spaces each (${resourcesPerUser(privateSpaces)} resources per user): ` +
      `${Math.min(byAddresses, byResources)} (${byResources} before a nested stack of users user0, user1, ... reaches ${MAX_RESOURCES} resources; ` +
      `${byAddresses} by the addresses of the default studio subnets); the account's SageMaker quotas apply as well`);
  }
}

function main(): void {
  const templates = synthTemplates(buildExampleApp);
  printTimings(Object.keys(templates));
  printStacks(templates);
  printBucketCapacity();
  printSecureStudioBucketCapacity();
  printProfileCapacity(templates);
  printUserScaling();
}

main();
