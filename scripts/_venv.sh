# Sourced by the other scripts: make sure .venv/ exists with exactly the locked dependencies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOCK=requirements/dev.lock
STAMP=.venv/.installed-lock
if [ ! -x .venv/bin/python ] || ! cmp -s "$LOCK" "$STAMP" 2>/dev/null; then
    echo "==> Creating .venv/ from $LOCK"
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --require-virtualenv -r "$LOCK"
    cp "$LOCK" "$STAMP"
fi
export PATH="$PWD/.venv/bin:$PATH"
