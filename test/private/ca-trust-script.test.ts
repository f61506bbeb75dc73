import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Lazy, Token } from 'aws-cdk-lib';
import {
  caTrustScript, lifecycleContentLength, pemProblem, STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS,
} from '../../src/private/ca-trust-script';

// A self-signed test CA, made once with:
// openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=test-ca -days 3650
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIUUMt2Qykju4Y0l2nk4RAE+W/G7pYwDQYJKoZIhvcNAQEL
BQAwEjEQMA4GA1UEAwwHdGVzdC1jYTAeFw0yNjEyMDEwNDA2MDlaFw0zNjExMjgw
NDA2MDlaMBIxEDAOBgNVBAMMB3Rlc3QtY2EwggEiMA0GCSqGSIb3DQEBAQUAA4IB
DwAwggEKAoIBAQCj0iHCZawYSduKn3iSzCfadsJMehabZDZpaMRW3dUwrc0PXHpl
r3Ya/FCDsdYtbzf5vEOndek0OckewEi+39QrJfH2VDCiFIgrcFITOmKjHuE7qJ6Y
FMUPNzrKkbqZGJNKZ52ss71l71mPSlbEc35EkSRXjFrSrmGVd5YWd/VAWlD13fLy
ZmLtQsvrmdQ5WQ6scvwQj6db3ZTWU1T4dzWXJ7fAxyFagxAQOQX3E2jtGWaDYy6m
RbJXp6L7VmakXBJlqtq7KDRTLxI19JQslZ1Cm1mo57QnyW5tAlWisafChOj/ilWy
UCGd2diRsS4CpZxt5Xp65gF5Y+k//I4cmtcnAgMBAAGjUzBRMB0GA1UdDgQWBBTt
z19sNJ6r0hiiOnFpFEQiFgtXzDAfBgNVHSMEGDAWgBTtz19sNJ6r0hiiOnFpFEQi
FgtXzDAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCZPoQJ1mCI
DH2+0xokaPJiJUgLtxSIuNiktKGydbKUrON285qv/Fs/qzOXDOeqWlnV07QqaZJy
KrEbyIspPRBtxS/T0DNue0SAaYFmFJTHeRH4rQg/JsruAMBmKGF3aIMNcNe+piMz
FGTEoJucqfAtu4Z8mOsgshgFSm6LyyumQooa6nF8VHxjZnMkins7Nz+TcvY1vC/2
sB7PZLPFuKphHy/Lg1GvThLAteyFRlAMRViBUKRyb+mVfLgSqisjAFG6b5n4j2N1
RiQYydCEIXCKo/6lXc05cwURRM8Mh9g7OSlLyUUFUZKJVHgseADocAt9CjC+f2qV
XqE1nv7i/uCS
-----END CERTIFICATE-----
`;
const TEST_CA_BODY_LINES = TEST_CA.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));

/** A PEM block built at run time, so that no key-like header sits in the repository. */
function pemBlock(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const which = (command: string) => spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
const hasCommand = (command: string) => which(command) !== '';
/** bash by its full path: the sandboxes' PATH does not lead to it. */
const BASH = which('bash');

describe('pemProblem', () => {
  test.each([
    ['one certificate', TEST_CA],
    ['a chain of certificates', TEST_CA + TEST_CA],
    ['CRLF line ends', TEST_CA.replace(/\n/g, '\r\n')],
    ['text around the blocks, as openssl writes it', `subject=CN = test-ca\nissuer=CN = test-ca\n${TEST_CA}\n`],
  ])('accepts %s', (_, pem) => {
    expect(pemProblem(pem)).toBeUndefined();
  });

  test.each([
    ['an empty string', '', 'is empty'],
    ['blanks', ' \n\t', 'is empty'],
    ['base64 without a block', 'MIIDBTCCAe2gAwIBAgIUUMt2Qykju4Y0l2nk4RAE', 'has no -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block'],
    ['a block without its END line', TEST_CA.replace('-----END CERTIFICATE-----', ''),
      'has a -----BEGIN ...----- line without its matching -----END ...----- line (or the other way round)'],
    ['a stray END line', TEST_CA + '-----END CERTIFICATE-----\n',
      'has a -----BEGIN ...----- line without its matching -----END ...----- line (or the other way round)'],
    ['a public key', pemBlock('PUBLIC KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'), 'block 1 of 1 is a PUBLIC KEY, not a CERTIFICATE'],
    ['a chain whose second body is not base64', TEST_CA + pemBlock('CERTIFICATE', 'not*base64!'), 'block 2 of 2 has an invalid base64 body'],
    ['padding inside the base64', pemBlock('CERTIFICATE', 'MIIDBTCC=AAA'), 'block 1 of 1 has an invalid base64 body'],
    ['base64 that is not DER', pemBlock('CERTIFICATE', Buffer.from('hello, world').toString('base64')), 'block 1 of 1 is not a valid X.509 certificate'],
  ])('refuses %s', (_, pem, problem) => {
    expect(pemProblem(pem)).toBe(problem);
  });

  test.each(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY'])(
    'refuses a certificate with a %s block', (label) => {
      const pem = TEST_CA + pemBlock(label, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC');
      expect(pemProblem(pem)).toMatch(/^holds a private key/);
    });

  test('refuses a private key even when its block is malformed', () => {
    expect(pemProblem(`-----BEGIN RSA ${'PRIVATE'} KEY-----\nMIIEow`)).toMatch(/^holds a private key/);
  });
});

describe('caTrustScript', () => {
  test('refuses what pemProblem refuses, in the library\'s error shape', () => {
    expect(() => caTrustScript('')).toThrow('caTrustScript caCertificatePem: is empty; one or more PEM CERTIFICATE blocks, and no private key');
    expect(() => caTrustScript(TEST_CA + pemBlock('PRIVATE KEY', 'MIIEvQIBADANBg'))).toThrow(/^caTrustScript caCertificatePem: holds a private key/);
  });

  test('embeds the certificate blocks only, in a quoted heredoc, with LF line ends', () => {
    const script = caTrustScript(`subject=CN = test-ca\r\n${TEST_CA.replace(/\n/g, '\r\n')}`);
    expect(script).toContain(`<<'CDK_SECURE_STUDIO_CA_PEM'\n${TEST_CA}CDK_SECURE_STUDIO_CA_PEM\n`);
    expect(script).not.toContain('subject=');
    expect(script).not.toContain('\r');
  });

  test('re-wraps a certificate whose base64 is on one line', () => {
    const oneLine = pemBlock('CERTIFICATE', TEST_CA_BODY_LINES.join(''));
    expect(caTrustScript(oneLine)).toContain(TEST_CA);
  });

  test('embeds an unresolved token as is', () => {
    const pem = Lazy.string({ produce: () => TEST_CA });
    const script = caTrustScript(pem);
    expect(Token.isUnresolved(script)).toBe(true);
    expect(script).toContain(`<<'CDK_SECURE_STUDIO_CA_PEM'\n${pem}\nCDK_SECURE_STUDIO_CA_PEM\n`);
  });

  test('is valid bash (bash -n) and strict (set -euo pipefail)', () => {
    const script = caTrustScript(TEST_CA);
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(script.split('\n').slice(0, 10)).toContain('set -euo pipefail');
  });
});

describe('lifecycle configuration length', () => {
  test('STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS is the API limit', () => {
    expect(STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS).toBe(16384);
  });

  test('lifecycleContentLength is the length of the base64 of the UTF-8 bytes', () => {
    expect(lifecycleContentLength('')).toBe(0);
    expect(lifecycleContentLength('abc')).toBe(4);
    expect(lifecycleContentLength('abcd')).toBe(8);
    expect(lifecycleContentLength('é')).toBe(4); // two bytes
  });

  test('the script with a real CA stays under the limit, with room for a chain of four', () => {
    expect(lifecycleContentLength(caTrustScript(TEST_CA))).toBeLessThan(STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS);
    expect(lifecycleContentLength(caTrustScript(TEST_CA.repeat(4)))).toBeLessThan(STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS);
  });
});

// ---------------------------------------------------------------------------------------
// The script run for real, in a sandbox: HOME is a temporary directory and PATH holds only
// the commands the script needs plus stubs that log how they were called.
// ---------------------------------------------------------------------------------------

type Python = 'certifi' | 'no-certifi' | 'absent';

interface SandboxOptions {
  /** What `python3 -c 'import certifi; ...'` does. @default 'certifi' */
  readonly python?: Python;
  /** Stub tools to put on PATH. @default ['pip', 'git', 'conda'] */
  readonly tools?: string[];
  /** Real executables to put on PATH, by name. @default - none */
  readonly real?: Record<string, string>;
}

class Sandbox {
  public readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-trust-'));
  public readonly home = path.join(this.root, 'home', 'sagemaker-user');
  public readonly bin = path.join(this.root, 'bin');
  public readonly log = path.join(this.root, 'tools.log');
  public readonly baseBundle = path.join(this.root, 'certifi', 'cacert.pem');
  public readonly caFile = path.join(this.home, '.config', 'cdk-secure-studio', 'inspection-ca.pem');
  public readonly bundle = path.join(this.home, '.config', 'cdk-secure-studio', 'ca-bundle.pem');
  public readonly startupFile = path.join(this.home, '.ipython', 'profile_default', 'startup', '00-ca-bundle.py');

  constructor(options: SandboxOptions = {}) {
    fs.mkdirSync(this.home, { recursive: true });
    fs.mkdirSync(this.bin);
    fs.mkdirSync(path.dirname(this.baseBundle));
    fs.writeFileSync(this.baseBundle, '# stand-in for certifi\'s cacert.pem\nBASE-BUNDLE-MARKER\n');
    for (const command of ['cat', 'mkdir', 'mktemp', 'readlink', 'chmod', 'mv', 'awk', 'grep']) {
      fs.symlinkSync(which(command), path.join(this.bin, command));
    }
    const python = options.python ?? 'certifi';
    if (python === 'certifi') {
      this.stub('python3', `echo '${this.baseBundle}'`);
    } else if (python === 'no-certifi') {
      this.stub('python3', 'echo "ModuleNotFoundError: No module named \'certifi\'" >&2; exit 1');
    }
    for (const tool of options.tools ?? ['pip', 'git', 'conda']) {
      this.stub(tool, `echo "${tool} $*" >> '${this.log}'`);
    }
    for (const [name, executable] of Object.entries(options.real ?? {})) {
      fs.symlinkSync(executable, path.join(this.bin, name));
    }
  }

  /** Runs the script (as bash would run a lifecycle configuration) with only HOME and PATH set. */
  public run(script: string) {
    const file = path.join(this.root, 'lifecycle-config.sh');
    fs.writeFileSync(file, script);
    return spawnSync(BASH, [file], { cwd: this.home, env: { HOME: this.home, PATH: this.bin }, encoding: 'utf8' });
  }

  public read(relativeToHome: string): string {
    return fs.readFileSync(path.join(this.home, relativeToHome), 'utf8');
  }

  public toolCalls(): string[] {
    return fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').trim().split('\n') : [];
  }

  /** Every file under HOME with its content, to compare one run with the next. */
  public homeFiles(): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else {
          files[path.relative(this.home, full)] = fs.readFileSync(full, 'utf8');
        }
      }
    };
    walk(this.home);
    return files;
  }

  public remove() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private stub(name: string, body: string) {
    fs.writeFileSync(path.join(this.bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  }
}

function expectCertificateNotPrinted(result: { stdout: string; stderr: string }) {
  for (const output of [result.stdout, result.stderr]) {
    expect(output).not.toContain('BEGIN CERTIFICATE');
    for (const line of TEST_CA_BODY_LINES) {
      expect(output).not.toContain(line);
    }
  }
}

const BUNDLE_VARIABLES = ['REQUESTS_CA_BUNDLE', 'SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'AWS_CA_BUNDLE', 'PIP_CERT'];

describe('the script, run twice in a sandbox home with pip, git and conda', () => {
  const box = new Sandbox();
  const script = caTrustScript(TEST_CA);
  fs.writeFileSync(path.join(box.home, '.bashrc'), 'alias ll=\'ls -l\'\n');
  fs.writeFileSync(path.join(box.home, '.profile'), '# the user\'s own profile\n');
  fs.chmodSync(path.join(box.home, '.bashrc'), 0o600);
  const first = box.run(script);
  const afterFirst = box.homeFiles();
  const second = box.run(script);
  afterAll(() => box.remove());

  test('succeeds both times, saying where the bundle is', () => {
    for (const result of [first, second]) {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`bundle ${box.bundle}`);
    }
  });

  test('never prints the certificate', () => {
    expectCertificateNotPrinted(first);
    expectCertificateNotPrinted(second);
  });

  test('writes the CA alone to its file', () => {
    expect(fs.readFileSync(box.caFile, 'utf8')).toBe(TEST_CA);
  });

  test('builds the bundle from the base bundle followed by the CA', () => {
    const bundle = fs.readFileSync(box.bundle, 'utf8');
    expect(bundle.startsWith(fs.readFileSync(box.baseBundle, 'utf8'))).toBe(true);
    expect(bundle.endsWith(TEST_CA)).toBe(true);
  });

  (hasCommand('openssl') ? test : test.skip)('the bundle verifies a certificate signed by the CA (openssl verify)', () => {
    const certificate = path.join(box.root, 'test-ca.pem');
    fs.writeFileSync(certificate, TEST_CA);
    const verify = spawnSync('openssl', ['verify', '-CAfile', box.bundle, certificate], { encoding: 'utf8' });
    expect(verify.stdout).toContain(': OK');
    expect(verify.status).toBe(0);
  });

  test('configures pip, git and conda with the bundle, at every run', () => {
    const once = [
      `pip config --user set global.cert ${box.bundle}`,
      `git config --global http.sslCAInfo ${box.bundle}`,
      `conda config --set ssl_verify ${box.bundle}`,
    ];
    expect(box.toolCalls()).toEqual([...once, ...once]);
  });

  test('leaves exactly one managed block in ~/.bashrc and ~/.profile, after the user\'s lines', () => {
    for (const rc of ['.bashrc', '.profile']) {
      const text = box.read(rc);
      expect(text.match(/>>> cdk-secure-studio: TLS inspection CA >>>/g)).toHaveLength(1);
      expect(text.match(/<<< cdk-secure-studio: TLS inspection CA <<</g)).toHaveLength(1);
      for (const name of BUNDLE_VARIABLES) {
        expect(text.match(new RegExp(`^export ${name}=`, 'gm'))).toHaveLength(1);
      }
    }
    expect(box.read('.bashrc').startsWith('alias ll=\'ls -l\'\n# >>> ')).toBe(true);
    expect(box.read('.profile').startsWith('# the user\'s own profile\n# >>> ')).toBe(true);
  });

  test('keeps the mode of ~/.bashrc', () => {
    expect(fs.statSync(path.join(box.home, '.bashrc')).mode.toString(8).slice(-3)).toBe('600');
  });

  test('a second run changes nothing', () => {
    expect(box.homeFiles()).toEqual(afterFirst);
  });

  test('a shell that reads ~/.bashrc gets the variables', () => {
    const names = [...BUNDLE_VARIABLES, 'NODE_EXTRA_CA_CERTS'].join(' ');
    const shell = spawnSync(BASH, ['-c', `. "$HOME/.bashrc"; for name in ${names}; do echo "$name=\${!name}"; done`],
      { env: { HOME: box.home, PATH: box.bin }, encoding: 'utf8' });
    const environment = Object.fromEntries(shell.stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
    for (const name of BUNDLE_VARIABLES) {
      expect(environment[name]).toBe(box.bundle);
    }
    expect(environment.NODE_EXTRA_CA_CERTS).toBe(box.caFile);
  });

  test('the IPython startup file sets the variables for notebook kernels', () => {
    const startup = fs.readFileSync(box.startupFile, 'utf8');
    expect(startup).toContain(`os.environ['REQUESTS_CA_BUNDLE'] = '${box.bundle}'`);
    expect(startup).toContain(`os.environ['NODE_EXTRA_CA_CERTS'] = '${box.caFile}'`);
  });

  (hasCommand('python3') ? test : test.skip)('the IPython startup file runs in Python and sets os.environ', () => {
    const python = spawnSync('python3', ['-c',
      'import os, sys; exec(open(sys.argv[1]).read()); print(os.environ["REQUESTS_CA_BUNDLE"]); print(os.environ["SSL_CERT_FILE"])',
      box.startupFile], { env: {}, encoding: 'utf8' });
    expect(python.stderr).toBe('');
    expect(python.stdout).toBe(`${box.bundle}\n${box.bundle}\n`);
  });
});

/** The host's python3 with certifi, pip beside it, and git: for a run with the real tools. */
function hostTools(): Record<string, string> | undefined {
  const python = spawnSync('python3', ['-c', 'import sys, certifi; print(sys.executable)'], { encoding: 'utf8' });
  const pip = path.join(path.dirname(python.stdout.trim()), 'pip');
  const git = which('git');
  return python.status === 0 && fs.existsSync(pip) && git ? { python3: python.stdout.trim(), pip, git } : undefined;
}

const HOST_TOOLS = hostTools();

(HOST_TOOLS ? describe : describe.skip)('the script, run twice with the real python3 (certifi), pip and git', () => {
  const box = new Sandbox({ python: 'absent', tools: [], real: HOST_TOOLS });
  const script = caTrustScript(TEST_CA);
  const runs = [box.run(script), box.run(script)];
  const certifiBundle = spawnSync(HOST_TOOLS?.python3 ?? 'python3', ['-c', 'import certifi; print(certifi.where())'], { encoding: 'utf8' }).stdout.trim();
  afterAll(() => box.remove());

  test('succeeds and never prints the certificate', () => {
    for (const result of runs) {
      expect(result.status).toBe(0);
      expectCertificateNotPrinted(result);
    }
  });

  test('extends certifi\'s bundle', () => {
    const bundle = fs.readFileSync(box.bundle, 'utf8');
    expect(bundle.startsWith(fs.readFileSync(certifiBundle, 'utf8'))).toBe(true);
    expect(bundle.endsWith(TEST_CA)).toBe(true);
  });

  test('pip\'s user config names the bundle, once', () => {
    const pipConf = box.read('.config/pip/pip.conf');
    expect(pipConf.match(/^cert = (.*)$/gm)).toEqual([`cert = ${box.bundle}`]);
  });

  test('git\'s global config names the bundle, once', () => {
    const git = spawnSync(HOST_TOOLS?.git ?? 'git', ['config', '--global', '--get-all', 'http.sslCAInfo'], { env: { HOME: box.home }, encoding: 'utf8' });
    expect(git.stdout).toBe(`${box.bundle}\n`);
  });
});

describe('the script in other homes', () => {
  const boxes: Sandbox[] = [];
  const sandbox = (options?: SandboxOptions) => {
    const box = new Sandbox(options);
    boxes.push(box);
    return box;
  };
  afterAll(() => boxes.forEach((box) => box.remove()));

  test('with micromamba but no conda, it sets ssl_verify in ~/.condarc once, keeping the rest', () => {
    const box = sandbox({ tools: ['micromamba'] });
    fs.writeFileSync(path.join(box.home, '.condarc'), 'channels:\n  - conda-forge\nssl_verify: true\n');
    const script = caTrustScript(TEST_CA);
    expect(box.run(script).status).toBe(0);
    expect(box.run(script).status).toBe(0);
    expect(box.read('.condarc')).toBe(`channels:\n  - conda-forge\nssl_verify: ${box.bundle}\n`);
    expect(box.toolCalls()).toEqual([]);
  });

  test('with mamba and no ~/.condarc, it creates one', () => {
    const box = sandbox({ tools: ['mamba'] });
    expect(box.run(caTrustScript(TEST_CA)).status).toBe(0);
    expect(box.read('.condarc')).toBe(`ssl_verify: ${box.bundle}\n`);
  });

  test('without pip, git or conda, it still configures the shells and kernels, and creates no tool config', () => {
    const box = sandbox({ tools: [] });
    const result = box.run(caTrustScript(TEST_CA));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(box.read('.bashrc')).toContain(`export REQUESTS_CA_BUNDLE='${box.bundle}'`);
    expect(fs.existsSync(box.startupFile)).toBe(true);
    expect(fs.existsSync(path.join(box.home, '.condarc'))).toBe(false);
  });

  test('a symlinked ~/.bashrc stays a symlink, and its target gets the block', () => {
    const box = sandbox();
    const target = path.join(box.root, 'dotfiles-bashrc');
    fs.writeFileSync(target, 'set -o vi\n');
    fs.symlinkSync(target, path.join(box.home, '.bashrc'));
    expect(box.run(caTrustScript(TEST_CA)).status).toBe(0);
    expect(fs.lstatSync(path.join(box.home, '.bashrc')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toMatch(/^set -o vi\n# >>> cdk-secure-studio/);
  });

  test('lines the user adds after the block are kept, and the block stays single', () => {
    const box = sandbox();
    const script = caTrustScript(TEST_CA);
    expect(box.run(script).status).toBe(0);
    fs.appendFileSync(path.join(box.home, '.bashrc'), 'export EDITOR=vim\n');
    expect(box.run(script).status).toBe(0);
    const bashrc = box.read('.bashrc');
    expect(bashrc.startsWith('export EDITOR=vim\n# >>> ')).toBe(true);
    expect(bashrc.match(/^export REQUESTS_CA_BUNDLE=/gm)).toHaveLength(1);
  });

  test('without certifi, it falls back to the system bundle', () => {
    const box = sandbox({ python: 'no-certifi' });
    const systemBundle = path.join(box.root, 'ca-certificates.crt');
    fs.writeFileSync(systemBundle, 'SYSTEM-BUNDLE-MARKER\n');
    const result = box.run(caTrustScript(TEST_CA).split(SYSTEM_BUNDLE).join(systemBundle));
    expect(result.status).toBe(0);
    expect(fs.readFileSync(box.bundle, 'utf8')).toBe(`SYSTEM-BUNDLE-MARKER\n\n${TEST_CA}`);
  });

  test('without python3 either, it falls back to the system bundle', () => {
    const box = sandbox({ python: 'absent' });
    const systemBundle = path.join(box.root, 'ca-certificates.crt');
    fs.writeFileSync(systemBundle, 'SYSTEM-BUNDLE-MARKER\n');
    expect(box.run(caTrustScript(TEST_CA).split(SYSTEM_BUNDLE).join(systemBundle)).status).toBe(0);
    expect(fs.readFileSync(box.bundle, 'utf8').startsWith('SYSTEM-BUNDLE-MARKER\n')).toBe(true);
  });

  test('with no base bundle at all, it fails with a clear message and points nothing at a missing bundle', () => {
    const box = sandbox({ python: 'no-certifi' });
    const result = box.run(caTrustScript(TEST_CA).split(SYSTEM_BUNDLE).join(path.join(box.root, 'missing.crt')));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('cdk-secure-studio: error: no CA bundle to extend');
    expect(result.stderr).toContain('the TLS inspection CA is NOT trusted');
    expectCertificateNotPrinted(result);
    expect(fs.existsSync(box.bundle)).toBe(false);
    expect(fs.existsSync(path.join(box.home, '.bashrc'))).toBe(false);
    expect(box.toolCalls()).toEqual([]);
  });
});
