# Sourced by the browser tests: sets $browser to the first Chromium found.
# Without one the test is skipped (exit 0, "SKIPPED: ..."), except in CI
# (CI=true), where Chromium is installed and its absence fails.
browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "FAILED: chromium not installed (CI must install it: make deps-test)"
        exit 1
    fi
    echo "SKIPPED: chromium not installed"
    exit 0
fi
