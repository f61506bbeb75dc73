/**
 * Three languages, one template: builds the reference environment from the packaged
 * library in Python (examples/python, the wheel in dist/python) and Java (examples/java,
 * the jar in dist/java) and fails unless their CloudFormation templates equal the ones the
 * TypeScript app (examples/app.ts) synthesizes.
 *
 * Needs dist/ from `npx projen package-all`. Sets up its own Python venv in
 * examples/python/.venv; Maven caches its downloads in ~/.m2.
 *
 *   npx projen consumers
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildExampleApp } from './app';

const ROOT = path.resolve(__dirname, '..');
const WHEEL = path.join(ROOT, 'dist', 'python', 'cdk_secure_studio-0.0.0-py3-none-any.whl');
const JAR = path.join(ROOT, 'dist', 'java', 'io', 'github', 'cdksecurestudio', 'cdk-secure-studio', '0.0.0', 'cdk-secure-studio-0.0.0.jar');
const VENV = path.join(ROOT, 'examples', 'python', '.venv');
const JAVA_POM = path.join(ROOT, 'examples', 'java', 'pom.xml');
const MAX_DIFFERENCES = 20;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Template = { [key: string]: Json };
/** Stack name -> normalized template. */
type Templates = Map<string, Template>;

// All three apps must see the same environment: no context or output directory handed
// down from a CDK CLI run, and no node end-of-life banner in the output of the jsii runtimes.
for (const name of ['CDK_CONTEXT_JSON', 'CDK_OUTDIR']) {
  delete process.env[name];
}
process.env.JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION = '1';

function run(label: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(`${label}: \`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})`);
  }
}

function timed<T>(label: string, fn: () => T): T {
  const start = Date.now();
  const value = fn();
  console.log(`${label} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  return value;
}

/**
 * The TypeScript reference. buildExampleApp also runs the cdk-nag packs, whose report (on
 * stderr) is held back unless the synth fails: the nag gate is `synth:example`.
 */
function synthTypeScript(outdir: string): void {
  const held: string[] = [];
  const { stdout, stderr } = process;
  const [writeOut, writeErr] = [stdout.write, stderr.write];
  stdout.write = stderr.write = (chunk: string | Uint8Array) => held.push(chunk.toString()) > 0;
  try {
    buildExampleApp(outdir).synth();
  } catch (error) {
    [stdout.write, stderr.write] = [writeOut, writeErr];
    process.stderr.write(held.join(''));
    throw error;
  } finally {
    [stdout.write, stderr.write] = [writeOut, writeErr];
  }
}

function synthPython(outdir: string): void {
  const python = path.join(VENV, 'bin', 'python');
  if (!fs.existsSync(python)) {
    run('python', process.env.PYTHON ?? 'python3', ['-m', 'venv', VENV]);
  }
  const pip = [python, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
  run('python', pip[0], [...pip.slice(1), '-r', 'examples/python/requirements.txt', WHEEL]);
  // The wheel's version is always 0.0.0, which pip would take as already installed.
  run('python', pip[0], [...pip.slice(1), '--force-reinstall', '--no-deps', WHEEL]);
  run('python', python, ['examples/python/app.py', outdir]);
}

function synthJava(outdir: string): void {
  const mvn = ['-B', '-q', '-f', JAVA_POM];
  // Maven never fetches a release version twice: drop the local copy of the 0.0.0 jar so
  // that the build below takes the one now in dist/java (see examples/java/pom.xml).
  run('java', 'mvn', [...mvn, 'dependency:purge-local-repository@fresh-dist-jar']);
  run('java', 'mvn', [...mvn, 'compile', 'exec:java', `-Dexec.args=${outdir}`]);
}

/** What is left when the metadata that only says where a construct sits in the tree is gone. */
function normalize(template: Template): Template {
  const copy = JSON.parse(JSON.stringify(template)) as Template;
  const resources = (copy.Resources ?? {}) as { [id: string]: { [key: string]: Json } };
  // Version analytics; the CDK CLI asks for it, and its content names the runtime.
  delete resources.CDKMetadata;
  const conditions = copy.Conditions as { [id: string]: Json } | undefined;
  if (conditions) {
    delete conditions.CDKMetadataAvailable;
    if (Object.keys(conditions).length === 0) delete copy.Conditions;
  }
  for (const resource of Object.values(resources)) {
    const metadata = resource.Metadata as { [key: string]: Json } | undefined;
    if (!metadata) continue;
    // Construct paths: identical today, but only metadata, and present only when the CDK
    // CLI turns it on. Everything else in Metadata (e.g. checkov skips) is compared.
    delete metadata['aws:cdk:path'];
    if (Object.keys(metadata).length === 0) delete resource.Metadata;
  }
  return copy;
}

function readTemplates(outdir: string): Templates {
  const templates: Templates = new Map();
  for (const file of fs.readdirSync(outdir).filter((name) => name.endsWith('.template.json')).sort()) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf-8')) as Template;
    templates.set(file.replace(/\.template\.json$/, ''), normalize(template));
  }
  return templates;
}

function show(value: Json | undefined): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** Every path where `actual` differs from `expected`, depth first, in key order. */
function differences(language: string, expected: Json | undefined, actual: Json | undefined, at: string, out: string[]): void {
  if (out.length >= MAX_DIFFERENCES) return;
  const bothObjects = typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null;
  if (bothObjects && Array.isArray(expected) === Array.isArray(actual)) {
    if (Array.isArray(expected) && Array.isArray(actual)) {
      if (expected.length !== actual.length) {
        out.push(`${at}: ${expected.length} items in TypeScript, ${actual.length} in ${language}`);
      }
      for (let i = 0; i < Math.min(expected.length, actual.length); i++) differences(language, expected[i], actual[i], `${at}[${i}]`, out);
      return;
    }
    const e = expected as { [key: string]: Json };
    const a = actual as { [key: string]: Json };
    for (const key of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
      differences(language, e[key], a[key], at ? `${at}.${key}` : key, out);
    }
    return;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    out.push(`${at}:\n      typescript: ${show(expected)}\n      ${`${language}:`.padEnd(11)} ${show(actual)}`);
  }
}

/** Compares one language's templates with the TypeScript ones; returns the number of identical resources. */
function compare(language: string, expected: Templates, actual: Templates): number {
  const found: string[] = [];
  const stacks = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  for (const stack of stacks) {
    differences(language, expected.get(stack), actual.get(stack), stack, found);
  }
  if (found.length > 0) {
    console.error(`\n${language}: the templates differ from the TypeScript ones; first differences:`);
    for (const line of found) console.error(`  ${line}`);
    return -1;
  }
  return [...actual.values()].reduce((sum, template) => sum + Object.keys(template.Resources ?? {}).length, 0);
}

function main(): void {
  for (const artifact of [WHEEL, JAR]) {
    if (!fs.existsSync(artifact)) {
      throw new Error(`${path.relative(ROOT, artifact)} is missing; run \`npx projen package-all\` first`);
    }
  }
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-secure-studio-consumers-'));
  const outdir = (language: string) => path.join(workdir, language);

  timed('typescript: synthesized examples/app.ts', () => synthTypeScript(outdir('typescript')));
  timed('python: synthesized examples/python/app.py with the wheel in dist/python', () => synthPython(outdir('python')));
  timed('java: synthesized examples/java with the jar in dist/java', () => synthJava(outdir('java')));

  const expected = readTemplates(outdir('typescript'));
  if (expected.size === 0) throw new Error('the TypeScript app synthesized no stack');
  console.log(`stacks: ${[...expected].map(([name, t]) => `${name} (${Object.keys(t.Resources ?? {}).length} resources)`).join(', ')}`);
  const python = compare('python', expected, readTemplates(outdir('python')));
  const java = compare('java', expected, readTemplates(outdir('java')));
  if (python < 0 || java < 0) {
    console.error(`\nsynthesized output kept in ${workdir}`);
    process.exit(1);
  }
  fs.rmSync(workdir, { recursive: true, force: true });
  console.log(`python: ${python} resources identical, java: ${java} resources identical`);
}

main();
