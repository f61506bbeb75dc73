import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lifecycleContentLength, STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS } from '../../src/private/ca-trust-script';
import {
  LONGEST_LOGIN_VALUES, packageMirrorLoginScript, PackageMirrorLoginValues, REFRESH_SECONDS, TOKEN_SECONDS,
} from '../../src/private/package-mirror-script';

const VALUES: PackageMirrorLoginValues = {
  domain: 'mirror', owner: '111122223333', region: 'eu-west-1', urlSuffix: 'amazonaws.com', repository: 'studio', npm: false,
};
const HOST = 'mirror-111122223333.d.codeartifact.eu-west-1.amazonaws.com';
const TOKEN = 'eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.SAMPLE-TOKEN';
const INDEX = `https://aws:${TOKEN}@${HOST}/pypi/studio/simple/`;

const which = (command: string) => spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
/** bash by its full path: the sandbox's PATH does not lead to it. */
const BASH = which('bash');
/** The Python interpreter itself (python3 on PATH may be a shim script that needs more than the sandbox's PATH). */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();

describe('packageMirrorLoginScript', () => {
  test('is valid bash (bash -n), with and without npm', () => {
    for (const npm of [false, true]) {
      const check = spawnSync('bash', ['-n'], { input: packageMirrorLoginScript({ ...VALUES, npm }), encoding: 'utf8' });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    }
  });

  test('asks for 12-hour tokens and refreshes every 6 hours', () => {
    expect(TOKEN_SECONDS).toBe(12 * 3600);
    expect(REFRESH_SECONDS).toBe(6 * 3600);
    const script = packageMirrorLoginScript(VALUES);
    expect(script).toContain('--duration-seconds 43200');
    expect(script).toContain('while sleep 21600');
  });

  test('the longest names keep the lifecycle configuration under SageMaker\'s limit', () => {
    const length = lifecycleContentLength(packageMirrorLoginScript(LONGEST_LOGIN_VALUES));
    expect(length).toBeLessThan(STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS);
  });
});

// ---------------------------------------------------------------------------------------
// The script run for real in a sandbox: HOME is a temporary directory, PATH holds only the
// commands the script needs plus stubs (aws, uv, npm, nohup) that log how they were called.
// ---------------------------------------------------------------------------------------

interface SandboxOptions {
  /** What the stub AWS CLI does: print the token, fail, or be absent. @default 'token' */
  readonly aws?: 'token' | 'fail' | 'absent';
  /** A boto3 stand-in on PYTHONPATH that returns the token. @default false */
  readonly boto3?: boolean;
  /** Stub tools on PATH. @default ['uv'] */
  readonly tools?: string[];
}

class Sandbox {
  public readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-login-'));
  public readonly home = path.join(this.root, 'home', 'sagemaker-user');
  public readonly bin = path.join(this.root, 'bin');
  public readonly log = path.join(this.root, 'tools.log');
  public readonly python = path.join(this.root, 'python');
  public readonly pipConf = path.join(this.home, '.config', 'pip', 'pip.conf');
  public readonly uvToml = path.join(this.home, '.config', 'uv', 'uv.toml');
  public readonly helper = path.join(this.home, '.config', 'cdk-secure-studio', 'package-mirror-login');

  constructor(private readonly options: SandboxOptions = {}) {
    fs.mkdirSync(this.home, { recursive: true });
    fs.mkdirSync(this.bin);
    for (const command of ['cat', 'mkdir', 'mv', 'chmod', 'head', 'date']) {
      fs.symlinkSync(which(command), path.join(this.bin, command));
    }
    fs.symlinkSync(PYTHON, path.join(this.bin, 'python3'));
    const aws = options.aws ?? 'token';
    if (aws === 'token') {
      this.stub('aws', `echo "aws $*" >> '${this.log}'; echo '${TOKEN}'`);
    } else if (aws === 'fail') {
      this.stub('aws', 'echo "An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation" >&2; exit 254');
    }
    if (options.boto3) {
      fs.mkdirSync(path.join(this.python, 'boto3'), { recursive: true });
      fs.writeFileSync(path.join(this.python, 'boto3', '__init__.py'), [
        'class _Client:',
        '    def get_authorization_token(self, **kwargs):',
        `        open(${JSON.stringify(this.log)}, "a").write("boto3 %s\\n" % sorted(kwargs.items()))`,
        `        return {"authorizationToken": ${JSON.stringify(TOKEN)}}`,
        'def client(name, region_name=None):',
        '    return _Client()',
        '',
      ].join('\n'));
    }
    for (const tool of options.tools ?? ['uv']) {
      this.stub(tool, `echo "${tool} $*" >> '${this.log}'`);
    }
    this.stub('nohup', `echo "nohup $*" >> '${this.log}'`);
  }

  public run(script: string) {
    const file = path.join(this.root, 'lifecycle-config.sh');
    fs.writeFileSync(file, script);
    const env: Record<string, string> = { HOME: this.home, PATH: this.bin };
    if (this.options.boto3) {
      env.PYTHONPATH = this.python;
    }
    return spawnSync(BASH, [file], { cwd: this.home, env, encoding: 'utf8' });
  }

  public toolCalls(): string[] {
    return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').trim().split('\n') : [];
  }

  public mode(file: string): number {
    return fs.statSync(file).mode % 0o1000;
  }

  public remove() {
    // The login script leaves its refresh loop detached (nohup): it may still be writing its
    // log here while the directory goes, so removal retries and, under load, leaves the temp
    // directory behind rather than failing a test whose assertions already ran.
    try {
      fs.rmSync(this.root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY') {
        throw error;
      }
    }
  }

  private stub(name: string, body: string) {
    fs.writeFileSync(path.join(this.bin, name), `#!${BASH}\n${body}\n`, { mode: 0o755 });
  }
}

function expectTokenNotPrinted(result: { stdout: string; stderr: string }) {
  expect(result.stdout).not.toContain(TOKEN);
  expect(result.stderr).not.toContain(TOKEN);
}

describe('the script, run twice in a sandbox home with the AWS CLI and uv', () => {
  const box = new Sandbox();
  fs.mkdirSync(path.dirname(box.pipConf), { recursive: true });
  fs.writeFileSync(box.pipConf, '[global]\ncert = /home/sagemaker-user/.config/cdk-secure-studio/ca-bundle.pem\n');
  const first = box.run(packageMirrorLoginScript(VALUES));
  const second = box.run(packageMirrorLoginScript(VALUES));
  afterAll(() => box.remove());

  test('succeeds both times, saying where pip and uv are logged in, without printing the token', () => {
    for (const result of [first, second]) {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`cdk-secure-studio: pip uv logged in to https://${HOST}/pypi/studio/simple/`);
      expectTokenNotPrinted(result);
    }
  });

  test('asks the CLI for a 12-hour token of the domain', () => {
    expect(box.toolCalls()).toContain(
      'aws codeartifact get-authorization-token --domain mirror --domain-owner 111122223333 --region eu-west-1 ' +
      '--duration-seconds 43200 --query authorizationToken --output text');
  });

  test('sets pip\'s index-url to the repository with the token, keeps the other settings, readable by the user only', () => {
    const conf = fs.readFileSync(box.pipConf, 'utf8');
    expect(conf).toContain(`index-url = ${INDEX}`);
    expect(conf).toContain('cert = /home/sagemaker-user/.config/cdk-secure-studio/ca-bundle.pem');
    expect(conf.match(/index-url/g)).toHaveLength(1);
    expect(box.mode(box.pipConf)).toBe(0o600);
  });

  test('writes uv\'s default index to a file it marks as managed', () => {
    const toml = fs.readFileSync(box.uvToml, 'utf8');
    expect(toml.split('\n')[0]).toBe('# Managed by cdk-secure-studio: the package mirror login rewrites this file.');
    expect(toml).toContain(`url = "${INDEX}"`);
    expect(toml).toContain('default = true');
    expect(box.mode(box.uvToml)).toBe(0o600);
  });

  test('leaves an executable helper for the user, and starts one refresher per run', () => {
    expect(box.mode(box.helper)).toBe(0o700);
    const refreshers = box.toolCalls().filter((call) => call.startsWith('nohup '));
    expect(refreshers).toHaveLength(2);
    expect(refreshers[0]).toContain('while sleep 21600');
    expect(refreshers[0]).toContain(box.helper);
  });

  test('the helper alone logs in again (what the refresher and a user run)', () => {
    const again = spawnSync(BASH, [box.helper], { env: { HOME: box.home, PATH: box.bin }, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expectTokenNotPrinted(again);
  });
});

describe('the script in other environments', () => {
  test('without the AWS CLI, takes the token from boto3', () => {
    const box = new Sandbox({ aws: 'absent', boto3: true, tools: [] });
    const result = box.run(packageMirrorLoginScript(VALUES));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cdk-secure-studio: pip logged in');
    expect(box.toolCalls().find((call) => call.startsWith('boto3'))).toContain("('domainOwner', '111122223333'), ('durationSeconds', 43200)");
    expect(fs.readFileSync(box.pipConf, 'utf8')).toContain(`index-url = ${INDEX}`);
    expect(fs.existsSync(box.uvToml)).toBe(false);
    box.remove();
  });

  test('a failed login warns how to retry and still lets the app start', () => {
    const box = new Sandbox({ aws: 'fail' });
    const result = box.run(packageMirrorLoginScript(VALUES));
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`the package mirror login failed; pip keeps its previous index. Retry with: ${box.helper}`);
    expect(fs.existsSync(box.pipConf)).toBe(false);
    box.remove();
  });

  test('a uv.toml of the user\'s own is left alone, with a warning', () => {
    const box = new Sandbox();
    fs.mkdirSync(path.dirname(box.uvToml), { recursive: true });
    fs.writeFileSync(box.uvToml, '[[index]]\nurl = "https://example.com/simple/"\n');
    const result = box.run(packageMirrorLoginScript(VALUES));
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('uv.toml is not managed by cdk-secure-studio; uv is not logged in');
    expect(fs.readFileSync(box.uvToml, 'utf8')).toBe('[[index]]\nurl = "https://example.com/simple/"\n');
    box.remove();
  });

  test('with the npm format and npm installed, sets the registry and its token', () => {
    const box = new Sandbox({ tools: ['npm'] });
    const result = box.run(packageMirrorLoginScript({ ...VALUES, npm: true }));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cdk-secure-studio: pip npm logged in');
    expect(box.toolCalls()).toEqual(expect.arrayContaining([
      `npm config set registry https://${HOST}/npm/studio/`,
      `npm config set //${HOST}/npm/studio/:_authToken ${TOKEN}`,
    ]));
    box.remove();
  });

  test('an unwritable home reports the failure and still lets the app start', () => {
    const box = new Sandbox();
    fs.chmodSync(box.home, 0o500);
    const result = box.run(packageMirrorLoginScript(VALUES));
    fs.chmodSync(box.home, 0o700);
    if (process.getuid?.() !== 0) {
      expect(result.stderr).toContain('the package mirror setup failed');
    }
    expect(result.status).toBe(0);
    box.remove();
  });
});
