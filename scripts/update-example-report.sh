#!/bin/sh
# Regenerates the example HTML report of the default scenario and its
# screenshot (docs/example-report.html, docs/example-report.png), shown in
# the README. Needs a built vpcsim and Debian's chromium.
# Usage: scripts/update-example-report.sh [path/to/vpcsim]
set -eu
cd "$(dirname "$0")/.."
vpcsim=${1:-build/vpcsim}
"$vpcsim" run scenarios/sagemaker-studio-vpc-only.yaml --report docs/example-report.html > /dev/null
# The with-nat answer to "notebook -> PyPI": the path through the NAT gateway, drawn.
outcome=$(grep -o '<tr><td class="check">notebook -&gt; PyPI</td>.*' docs/example-report.html |
          grep -o 'data-outcome="o[0-9]*"' | sed -n 2p | sed 's/data-outcome="\(.*\)"/\1/')
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1600,1250 \
  --virtual-time-budget=3000 --screenshot="$PWD/docs/example-report.png" \
  "file://$PWD/docs/example-report.html#$outcome" 2>/dev/null
echo "wrote docs/example-report.html and docs/example-report.png (selected: $outcome)"
