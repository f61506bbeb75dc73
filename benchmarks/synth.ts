/**
 * Prints what the example environment costs to synthesize and how close it is to AWS
 * limits: synth time (median of several runs), resources per stack, and the largest
 * policy document of each kind against its limit. Numbers to read, never a pass/fail.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { buildExampleApp } from '../examples/app';

const RUNS = 5;

/** Policy-bearing properties and the AWS limit of each (characters). */
const POLICY_LIMITS: Record<string, { property: string; limit: number }> = {
  'AWS::EC2::VPCEndpoint': { property: 'PolicyDocument', limit: 20_480 },
  'AWS::IAM::ManagedPolicy': { property: 'PolicyDocument', limit: 6_144 },
  'AWS::IAM::Policy': { property: 'PolicyDocument', limit: 10_240 },
  'AWS::KMS::Key': { property: 'KeyPolicy', limit: 32_768 },
  'AWS::S3::BucketPolicy': { property: 'PolicyDocument', limit: 20_480 },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const timings: number[] = [];
  let templates: Record<string, any> = {};
  for (let run = 0; run < RUNS; run++) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-studio-bench-'));
    const start = performance.now();
    const assembly = buildExampleApp(outdir).synth();
    timings.push(performance.now() - start);
    templates = Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template]));
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  console.log(`synth of the example app (${Object.keys(templates).length} stacks, cdk-nag packs included): ` +
    `median ${median(timings).toFixed(0)} ms over ${RUNS} runs (first ${timings[0].toFixed(0)} ms)`);
  for (const [name, template] of Object.entries(templates)) {
    const resources = Object.values<any>(template.Resources ?? {});
    console.log(`${name}: ${resources.length} of 500 resources`);
    for (const [type, { property, limit }] of Object.entries(POLICY_LIMITS)) {
      const sizes = resources.filter((r) => r.Type === type && r.Properties?.[property])
        .map((r) => JSON.stringify(r.Properties[property]).length);
      if (sizes.length > 0) {
        console.log(`  largest ${type}.${property}: ${Math.max(...sizes)} of ${limit} characters (${sizes.length} documents)`);
      }
    }
  }
}

main();
