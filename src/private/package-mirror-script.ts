/** What the login script needs to know about the mirror. Values may be tokens (account, region). */
export interface PackageMirrorLoginValues {
  /** The CodeArtifact domain name. */
  readonly domain: string;
  /** The 12-digit account that owns the domain. */
  readonly owner: string;
  readonly region: string;
  /** The DNS suffix of the partition, e.g. `amazonaws.com`. */
  readonly urlSuffix: string;
  /** The repository users install from. */
  readonly repository: string;
  /** Also log npm in (when the mirror has an npm upstream). */
  readonly npm: boolean;
}

/** Validity of the tokens the script asks for: the maximum, 12 hours (GetAuthorizationToken `durationSeconds`). */
export const TOKEN_SECONDS = 43_200;
/** How often the refresher logs in again: half the token's validity, so a token in use always has 6 hours left. */
export const REFRESH_SECONDS = 21_600;

/** Longest values, for the worst-case length of the lifecycle configuration (CodeArtifact and AWS naming limits). */
export const LONGEST_LOGIN_VALUES: PackageMirrorLoginValues = {
  domain: 'd'.repeat(50),
  owner: '0'.repeat(12),
  region: 'ap-southeast-5'.padEnd(20, 'x'),
  urlSuffix: 'amazonaws.com.cn'.padEnd(20, 'x'),
  repository: 'r'.repeat(100),
  npm: true,
};

/** Ends the heredoc that writes the helper; cannot occur in the helper. */
const HELPER_END = 'CDK_SECURE_STUDIO_MIRROR_LOGIN';

/**
 * The helper the lifecycle configuration writes to `~/.config/cdk-secure-studio/package-mirror-login`:
 * gets a 12-hour CodeArtifact token (AWS CLI, else boto3) and writes it into the pip, uv and
 * (optionally) npm configuration. Never prints the token. Quoted heredocs only: the values are
 * fixed at synthesis, nothing is expanded twice.
 */
function helper(values: PackageMirrorLoginValues): string {
  const npm = values.npm ? `
if command -v npm > /dev/null 2>&1; then
  npm config set registry "https://$host/npm/$repository/" > /dev/null
  npm config set "//$host/npm/$repository/:_authToken" "$token" > /dev/null
  configured="$configured npm"
fi` : '';
  return `#!/bin/bash
# Written by a SageMaker Studio lifecycle configuration (cdk-secure-studio) at every app start.
# Logs pip and uv${values.npm ? ' and npm' : ''} in to the package mirror with a CodeArtifact token valid 12 hours.
# Run it again whenever an install answers 401 or 403: ~/.config/cdk-secure-studio/package-mirror-login
set -euo pipefail
umask 077
domain='${values.domain}'
owner='${values.owner}'
region='${values.region}'
repository='${values.repository}'
host="$domain-$owner.d.codeartifact.$region.${values.urlSuffix}"
config="\${XDG_CONFIG_HOME:-$HOME/.config}"

if command -v aws > /dev/null 2>&1; then
  token="$(aws codeartifact get-authorization-token --domain "$domain" --domain-owner "$owner" --region "$region" \\
    --duration-seconds ${TOKEN_SECONDS} --query authorizationToken --output text)"
elif command -v python3 > /dev/null 2>&1 && python3 -c 'import boto3' > /dev/null 2>&1; then
  token="$(DOMAIN="$domain" OWNER="$owner" REGION="$region" python3 -c '
import os, boto3
client = boto3.client("codeartifact", region_name=os.environ["REGION"])
print(client.get_authorization_token(domain=os.environ["DOMAIN"], domainOwner=os.environ["OWNER"],
                                     durationSeconds=${TOKEN_SECONDS})["authorizationToken"])')"
else
  echo 'cdk-secure-studio: error: neither the AWS CLI nor python3 with boto3 is here to get a CodeArtifact token' >&2
  exit 1
fi
if [ -z "$token" ]; then
  echo 'cdk-secure-studio: error: CodeArtifact returned an empty token' >&2
  exit 1
fi
index="https://aws:$token@$host/pypi/$repository/simple/"

# pip: index-url in the user configuration (what \`aws codeartifact login --tool pip\` sets), other settings kept.
mkdir -p "$config/pip"
if command -v python3 > /dev/null 2>&1; then
  INDEX="$index" PIP_CONF="$config/pip/pip.conf" python3 -c '
import configparser, os
path = os.environ["PIP_CONF"]
parser = configparser.RawConfigParser()
parser.read(path)
if not parser.has_section("global"):
    parser.add_section("global")
parser.set("global", "index-url", os.environ["INDEX"])
with open(path + ".tmp", "w") as out:
    parser.write(out)
os.chmod(path + ".tmp", 0o600)
os.replace(path + ".tmp", path)'
else
  printf '[global]\\nindex-url = %s\\n' "$index" > "$config/pip/pip.conf.tmp"
  mv -f "$config/pip/pip.conf.tmp" "$config/pip/pip.conf"
fi
configured='pip'

# uv: its own configuration file, only when uv is installed and the file is ours (or absent).
uv_file="$config/uv/uv.toml"
marker='# Managed by cdk-secure-studio: the package mirror login rewrites this file.'
if command -v uv > /dev/null 2>&1; then
  if [ ! -e "$uv_file" ] || [ "$(head -n 1 "$uv_file")" = "$marker" ]; then
    mkdir -p "$config/uv"
    printf '%s\\n[[index]]\\nname = "studio-mirror"\\nurl = "%s"\\ndefault = true\\n' "$marker" "$index" > "$uv_file.tmp"
    mv -f "$uv_file.tmp" "$uv_file"
    configured="$configured uv"
  else
    echo "cdk-secure-studio: warning: $uv_file is not managed by cdk-secure-studio; uv is not logged in (set UV_DEFAULT_INDEX yourself)" >&2
  fi
fi${npm}

echo "cdk-secure-studio: $configured logged in to https://$host/pypi/$repository/simple/ until $(date -u -d '+12 hours' '+%Y-%m-%dT%H:%MZ' 2> /dev/null || echo 'in 12 hours')"
`;
}

/**
 * The content of a SageMaker Studio lifecycle configuration (JupyterLab or Code Editor) that
 * logs pip (and uv, and npm) in to a CodeArtifact repository at every app start, as the app's
 * user: it writes the login helper to `~/.config/cdk-secure-studio/package-mirror-login`, runs
 * it, and starts a background refresher that runs it again every 6 hours for the life of the
 * app, since tokens last at most 12 hours and apps can run longer. A failed login never stops
 * the app from starting: it warns and says how to retry.
 */
export function packageMirrorLoginScript(values: PackageMirrorLoginValues): string {
  return `#!/bin/bash
# cdk-secure-studio: log pip${values.npm ? ', uv and npm' : ' and uv'} in to the package mirror (AWS CodeArtifact) at every app start,
# and again every ${REFRESH_SECONDS / 3600} hours while the app runs. Runs as the app's user; never prints a token.
# A failure never stops the app from starting: it is reported and the script ends with success.
set -euo pipefail
trap 'echo "cdk-secure-studio: warning: the package mirror setup failed at line $LINENO; the app starts without it" >&2; exit 0' ERR
umask 077
dir="\${HOME:?}/.config/cdk-secure-studio"
login="$dir/package-mirror-login"
mkdir -p "$dir"
cat > "$login.tmp" <<'${HELPER_END}'
${helper(values)}${HELPER_END}
chmod 700 "$login.tmp"
mv -f "$login.tmp" "$login"

if ! "$login"; then
  echo "cdk-secure-studio: warning: the package mirror login failed; pip keeps its previous index. Retry with: $login" >&2
fi
# Tokens last 12 hours; apps can run for days. Log in again every ${REFRESH_SECONDS / 3600} hours, detached from this script.
nohup bash -c 'while sleep ${REFRESH_SECONDS}; do "$0" || echo "cdk-secure-studio: package mirror login failed at $(date -u)" >&2; done' \\
  "$login" >> "$dir/package-mirror-login.log" 2>&1 < /dev/null &
exit 0
`;
}
