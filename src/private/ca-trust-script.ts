import { X509Certificate } from 'crypto';
import { Token } from 'aws-cdk-lib';
import { invalid } from './validation';

/**
 * Maximum length of `StudioLifecycleConfigContent` (CreateStudioLifecycleConfig: "Length
 * Constraints: Minimum length of 1. Maximum length of 16384."). The content is the
 * base64-encoded script, so compare `lifecycleContentLength(script)` with this, not the
 * script's own length.
 *
 * Source: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateStudioLifecycleConfig.html
 * (checked in the mirror https://docs.amazonaws.cn/en_us/sagemaker/latest/APIReference/API_CreateStudioLifecycleConfig.md)
 */
export const STUDIO_LIFECYCLE_CONFIG_MAX_CHARACTERS = 16384;

/**
 * Length of the lifecycle configuration content SageMaker receives for a script: the
 * base64 encoding of its UTF-8 bytes (what `Fn.base64` produces). Meaningless when the
 * script holds an unresolved token.
 */
export function lifecycleContentLength(script: string): number {
  return Buffer.from(script, 'utf8').toString('base64').length;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

interface PemBlock {
  readonly label: string;
  /** The base64 body without whitespace. */
  readonly body: string;
}

function pemBlocks(pem: string): PemBlock[] {
  return [...pem.matchAll(PEM_BLOCK)].map((match) => ({ label: match[1], body: match[2].replace(/\s+/g, '') }));
}

/**
 * Says why a string is not one or more PEM `CERTIFICATE` blocks, or returns undefined when
 * it is. Text outside the blocks (e.g. `subject=` lines written by openssl) is allowed and
 * ignored; any private key is refused, whatever else the string holds.
 */
export function pemProblem(pem: string): string | undefined {
  if (pem.trim() === '') {
    return 'is empty';
  }
  if (PRIVATE_KEY.test(pem)) {
    return 'holds a private key, which must never be put in a lifecycle configuration (every user of the domain can read it)';
  }
  const blocks = pemBlocks(pem);
  const begins = pem.match(/-----BEGIN /g)?.length ?? 0;
  const ends = pem.match(/-----END /g)?.length ?? 0;
  if (begins !== blocks.length || ends !== blocks.length) {
    return 'has a -----BEGIN ...----- line without its matching -----END ...----- line (or the other way round)';
  }
  if (blocks.length === 0) {
    return 'has no -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block';
  }
  for (const [index, block] of blocks.entries()) {
    const position = `block ${index + 1} of ${blocks.length}`;
    if (block.label !== 'CERTIFICATE') {
      return `${position} is a ${block.label}, not a CERTIFICATE`;
    }
    if (!BASE64.test(block.body) || block.body.length % 4 !== 0) {
      return `${position} has an invalid base64 body`;
    }
    try {
      new X509Certificate(Buffer.from(block.body, 'base64'));
    } catch {
      return `${position} is not a valid X.509 certificate`;
    }
  }
  return undefined;
}

/** The certificate blocks alone, with LF line ends and 64-character base64 lines. */
function normalizedCertificates(pem: string): string {
  return pemBlocks(pem)
    .map((block) => ['-----BEGIN CERTIFICATE-----', ...block.body.match(/.{1,64}/g)!, '-----END CERTIFICATE-----'].join('\n'))
    .join('\n');
}

/** Ends the heredoc that embeds the certificates; cannot occur in normalized PEM. */
const HEREDOC_END = 'CDK_SECURE_STUDIO_CA_PEM';

// The script is kept in plain template literals: `\${` and `\\` are the only escapes.
const SCRIPT_HEAD = `#!/bin/bash
# cdk-secure-studio: make this SageMaker Studio app trust the certificate authority with which
# the egress firewall re-signs the TLS traffic it inspects. Runs at every app start as the
# app's user, without root. Idempotent: every file it touches is rewritten whole, never
# appended to twice. It never prints the certificate.
set -euo pipefail
umask 022

dir="\${HOME:?}/.config/cdk-secure-studio"
ca="$dir/inspection-ca.pem"
bundle="$dir/ca-bundle.pem"
begin='# >>> cdk-secure-studio: TLS inspection CA >>>'
end='# <<< cdk-secure-studio: TLS inspection CA <<<'
bundle_vars='REQUESTS_CA_BUNDLE SSL_CERT_FILE CURL_CA_BUNDLE AWS_CA_BUNDLE PIP_CERT'

warn() { echo "cdk-secure-studio: warning: $*" >&2; }

# write FILE: replace FILE with standard input in one move, keeping its mode and following
# a symlink, so that apps starting at the same time never see (or clobber) a half-written file.
write() {
  local target tmp
  target="$(readlink -f -- "$1")"
  tmp="$(mktemp "$target.XXXXXX")"
  cat > "$tmp"
  if [ -e "$target" ]; then chmod --reference="$target" "$tmp"; else chmod 644 "$tmp"; fi
  mv -f "$tmp" "$target"
}

# without_block FILE: FILE's lines outside the managed block.
without_block() {
  if [ -f "$1" ]; then
    awk -v b="$begin" -v e="$end" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' "$1"
  fi
}

mkdir -p "$dir"
write "$ca" <<'${HEREDOC_END}'
`;

const SCRIPT_TAIL = `${HEREDOC_END}

# The combined bundle: what the image trusts already (AWS SDK calls through VPC endpoints are
# not inspected and must keep working) plus the inspection CA.
base="$(python3 -c 'import certifi; print(certifi.where())' 2>/dev/null || true)"
if [ -z "$base" ] || [ ! -s "$base" ]; then
  base=/etc/ssl/certs/ca-certificates.crt
fi
if [ ! -s "$base" ]; then
  echo "cdk-secure-studio: error: no CA bundle to extend (neither python3 -c 'import certifi' nor /etc/ssl/certs/ca-certificates.crt gives one); the TLS inspection CA is NOT trusted" >&2
  exit 1
fi
{ cat "$base"; echo; cat "$ca"; } | write "$bundle"

# Shells: a managed block in ~/.bashrc and ~/.profile, replaced at every run.
for rc in "$HOME/.bashrc" "$HOME/.profile"; do
  {
    without_block "$rc"
    echo "$begin"
    echo '# Written by a SageMaker Studio lifecycle configuration at every app start; edits here are lost.'
    for name in $bundle_vars; do echo "export $name='$bundle'"; done
    echo "export NODE_EXTRA_CA_CERTS='$ca'"
    echo "$end"
  } | write "$rc"
done

# Jupyter kernels do not read shell start-up files: set the same variables in IPython.
startup="\${IPYTHONDIR:-$HOME/.ipython}/profile_default/startup"
mkdir -p "$startup"
{
  echo '# Written by a SageMaker Studio lifecycle configuration (cdk-secure-studio) at every app start.'
  echo 'import os'
  for name in $bundle_vars; do echo "os.environ['$name'] = '$bundle'"; done
  echo "os.environ['NODE_EXTRA_CA_CERTS'] = '$ca'"
} | write "$startup/00-ca-bundle.py"

# Tools that keep their own setting. PIP_CERT above also covers a pip installed later.
if command -v pip > /dev/null 2>&1; then
  pip config --user set global.cert "$bundle" || warn "pip config failed; PIP_CERT still points pip at the bundle"
fi
if command -v git > /dev/null 2>&1; then
  git config --global http.sslCAInfo "$bundle" || warn 'git config http.sslCAInfo failed'
fi
if command -v conda > /dev/null 2>&1; then
  conda config --set ssl_verify "$bundle" || warn 'conda config ssl_verify failed'
elif command -v micromamba > /dev/null 2>&1 || command -v mamba > /dev/null 2>&1; then
  { if [ -f "$HOME/.condarc" ]; then grep -v '^ssl_verify:' "$HOME/.condarc" || true; fi; echo "ssl_verify: $bundle"; } | write "$HOME/.condarc"
fi

echo "cdk-secure-studio: TLS inspection CA trusted (CA $ca, bundle $bundle)"
`;

/**
 * The content of a SageMaker Studio lifecycle configuration (JupyterLab or Code Editor, on
 * the SageMaker Distribution image) that makes the app trust a TLS-inspection CA: it writes
 * the CA to `~/.config/cdk-secure-studio/inspection-ca.pem`, builds
 * `~/.config/cdk-secure-studio/ca-bundle.pem` (certifi's bundle, or the system one, plus the
 * CA) and points pip, requests, OpenSSL, curl, the AWS SDKs, git, Node and conda/mamba at it,
 * through a managed block in `~/.bashrc` and `~/.profile`, an IPython startup file and the
 * tools' own settings.
 *
 * The certificate is validated with `pemProblem` and embedded without any text around its
 * blocks; an unresolved token is embedded as is (the caller cannot check it, nor the length).
 */
export function caTrustScript(caCertificatePem: string): string {
  let certificates: string;
  if (Token.isUnresolved(caCertificatePem)) {
    certificates = caCertificatePem;
  } else {
    const problem = pemProblem(caCertificatePem);
    if (problem) {
      invalid('caTrustScript', 'caCertificatePem', problem, 'one or more PEM CERTIFICATE blocks, and no private key');
    }
    certificates = normalizedCertificates(caCertificatePem);
  }
  return `${SCRIPT_HEAD}${certificates}\n${SCRIPT_TAIL}`;
}
