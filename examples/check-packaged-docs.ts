/**
 * Checks the packaged artifacts, not the sources: the wheel's README (what PyPI shows) and
 * its docstrings must hold Python, the sources jar's Javadoc must hold Java. jsii-pacmak
 * writes TypeScript where jsii-rosetta could not translate an example, so any TypeScript
 * left in a Python or Java example fails the build, naming the file and the example.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** Syntax that exists in TypeScript examples and in neither Python nor Java. */
const TYPESCRIPT_ONLY = [/\bconst\s+\w+\s*[:=]/, /import\s*\{/, /\bfrom\s+'[^']*'/, /=>/, /\bdeclare\s+const\b/];
/** TypeScript syntax that Java shares: checked in Python examples only. */
const NOT_PYTHON = [/\bnew\s+[A-Z]\w*\(/, /;\s*$/m];

/** The text members of a zip file (wheel or jar) whose names match, read with Python's zipfile. */
function zipMembers(archive: string, pattern: string): Record<string, string> {
  const script = 'import json,re,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\n' +
    'print(json.dumps({n: z.read(n).decode("utf-8") for n in z.namelist() if re.search(sys.argv[2], n)}))';
  return JSON.parse(execFileSync('python3', ['-c', script, archive, pattern], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 }));
}

function onlyFile(dir: string, suffix: string): string {
  const found = fs.readdirSync(dir, { recursive: true }).map(String).filter((name) => name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(`expected one *${suffix} under ${dir}, found ${found.length}: run the package task first`);
  }
  return path.join(dir, found[0]);
}

function problems(where: string, examples: string[], forbidden: RegExp[], minimum: number): string[] {
  const found = examples.flatMap((example, index) => forbidden
    .filter((pattern) => pattern.test(example))
    .map((pattern) => `${where}, example ${index + 1}: TypeScript syntax ${pattern} in\n${example.slice(0, 400)}`));
  return examples.length < minimum ? [...found, `${where}: ${examples.length} examples, expected at least ${minimum}`] : found;
}

function main(): void {
  const wheel = onlyFile(path.join(ROOT, 'dist', 'python'), '.whl');
  const wheelFiles = zipMembers(wheel, '(METADATA|cdk_secure_studio/__init__\\.py)$');
  const metadata = Object.entries(wheelFiles).find(([name]) => name.endsWith('METADATA'))![1];
  const init = Object.entries(wheelFiles).find(([name]) => name.endsWith('__init__.py'))![1];
  const readmePython = [...metadata.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  const docstringPython = [...init.matchAll(/Example::\n\n([\s\S]*?)\n\s*'''/g)].map((m) => m[1]);

  const sourcesJar = onlyFile(path.join(ROOT, 'dist', 'java'), '-sources.jar');
  const javaSources = Object.values(zipMembers(sourcesJar, '\\.java$'));
  const javadocJava = javaSources.flatMap((source) => [...source.matchAll(/<blockquote><pre>([\s\S]*?)<\/pre>/g)].map((m) => m[1]));

  const found = [
    ...problems('wheel README (PyPI)', readmePython, [...TYPESCRIPT_ONLY, ...NOT_PYTHON], 2),
    ...problems('wheel docstrings', docstringPython, [...TYPESCRIPT_ONLY, ...NOT_PYTHON], 5),
    ...problems('jar Javadoc', javadocJava, TYPESCRIPT_ONLY, 5),
  ];
  console.log(`packaged docs: ${readmePython.length} Python README examples, ${docstringPython.length} Python docstring examples, ` +
    `${javadocJava.length} Javadoc examples checked`);
  if (found.length > 0) {
    found.forEach((problem) => console.error(problem));
    process.exit(1);
  }
}

main();
