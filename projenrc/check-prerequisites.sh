#!/usr/bin/env bash
# What the full build needs besides Node.js, checked before anything runs, each missing
# tool named with what it is for. The quick start (npx projen synth:example) needs none.
set -u
missing=0
need() {
  if ! eval "$2" >/dev/null 2>&1; then
    echo "prerequisites: $1 is missing: $3" >&2
    missing=1
  fi
}
need 'Python 3 with venv' 'python3 -c "import venv, ensurepip"' 'cfn-lint, checkov and the Python package need it (Debian: apt-get install python3-venv)'
need 'a JDK (javac)' 'javac -version' 'the Java package needs JDK 17 or later'
need 'Maven (mvn)' 'mvn -v' 'the Java package and its consumer test need Maven 3'
if [ "$missing" -ne 0 ]; then
  echo 'prerequisites: install the tools above for npx projen build; npx projen synth:example needs Node.js only' >&2
  exit 1
fi
