import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every TypeScript example of the guides in docs/ compiles, the way jsii-rosetta compiles
 * the README's and the docstrings' in the build: inside the fixture of rosetta/ that the
 * block names (`ts fixture=program`) or the default one, imports and `declare` statements
 * hoisted, `cdk-secure-studio` being this library's source. (jsii-rosetta itself reads only the assembly: README and
 * docstrings.)
 */

const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
const BLOCK = /```ts( fixture=(\w+))?\n([\s\S]*?)```/g;

interface Example {
  readonly file: string;
  readonly line: number;
  readonly source: string;
}

function fixture(name: string): string {
  return fs.readFileSync(path.join(ROOT, 'rosetta', `${name}.ts-fixture`), 'utf-8');
}

/** The examples of one guide, each placed in its fixture as rosetta does. */
function examplesOf(guide: string): Example[] {
  const text = fs.readFileSync(path.join(DOCS, guide), 'utf-8');
  return [...text.matchAll(BLOCK)].map((match) => {
    const code = match[3];
    // Imports and `declare` statements go to the top level, as jsii-rosetta places them.
    const hoisted = (line: string) => line.startsWith('import ') || line.startsWith('declare ');
    const imports = code.split('\n').filter(hoisted);
    const body = code.split('\n').filter((line) => !hoisted(line)).join('\n');
    const source = [...imports, fixture(match[2] ?? 'default').replace('/// here', () => body)].join('\n')
      .replace(/from 'cdk-secure-studio'/g, `from '${path.join(ROOT, 'src').replace(/\\/g, '/')}'`);
    return { file: guide, line: text.slice(0, match.index).split('\n').length, source };
  });
}

const guides = fs.readdirSync(DOCS).filter((name) => name.endsWith('.md'));
const examples = guides.flatMap(examplesOf);

test('the guides hold TypeScript examples to check', () => {
  expect(examples.length).toBeGreaterThanOrEqual(10);
});

test('every TypeScript example of the guides compiles', () => {
  const files = new Map(examples.map((example, index) => [path.join(ROOT, 'test', 'docs', `.example-${index}.ts`), example]));
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => files.get(name)?.source ?? readFile(name);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.getSourceFile = (name, version) => files.has(name)
    ? ts.createSourceFile(name, files.get(name)!.source, version)
    : getSourceFile(name, version);
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = ts.getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const example = files.get(diagnostic.file!.fileName)!;
      return `docs/${example.file} (example at line ${example.line}): ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  expect(errors).toEqual([]);
});
