# Sourced by the other scripts: make sure .venv/ has the locked dependencies they need.
# FASTHUB_LOCK=prod: only what serving needs (requirements/prod.lock); anything else (the
# default): the development lock, a superset with the test, lint, benchmark and browser tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "${FASTHUB_LOCK:-dev}" in
    prod) WANTED=(requirements/prod.lock) ;;
    *) WANTED=(requirements/prod.lock requirements/dev.lock) ;;
esac
if [ ! -x .venv/bin/python ]; then
    echo "==> Creating .venv/ (Python: $(python3 --version 2>&1))"
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi
for LOCK in "${WANTED[@]}"; do
    STAMP=".venv/.installed-$(basename "$LOCK")"
    if ! cmp -s "$LOCK" "$STAMP" 2>/dev/null; then
        count=$(grep -c '==' "$LOCK")
        echo "==> Installing $count locked packages from $LOCK into .venv/ (first run only)"
        # One line per package as it arrives; with pipefail, a failed install still stops here.
        .venv/bin/python -m pip install --require-virtualenv --progress-bar off -r "$LOCK" \
            | while IFS= read -r line; do
                case "$line" in Collecting*) echo "    ${line#Collecting }" ;; esac
            done
        cp "$LOCK" "$STAMP"
    fi
done
export PATH="$PWD/.venv/bin:$PATH"
