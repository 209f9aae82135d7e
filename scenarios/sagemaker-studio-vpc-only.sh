#!/bin/sh
# Runs the reference SageMaker Studio "VPC only" study (SageMaker Developer Guide, "Connect Studio notebooks in a VPC to external resources")
# on scenarios/sagemaker-studio-vpc-only.topology.yaml: each question with the
# verdict the reference setup must give. Exits 0 when every expectation holds.
# Usage: scenarios/sagemaker-studio-vpc-only.sh [path/to/vpcsim]
set -u
here=$(cd "$(dirname "$0")" && pwd)
vpcsim=${1:-"$here/../build/vpcsim"}
topology="$here/sagemaker-studio-vpc-only.topology.yaml"
failed=0

# expect EXIT_CODE WHAT -- vpcsim reach arguments
expect() {
  want=$1; what=$2; shift 3
  "$vpcsim" reach --topology "$topology" "$@" > /tmp/vpcsim-scenario.$$ 2>&1
  got=$?
  verdict=$(head -n 1 /tmp/vpcsim-scenario.$$)
  if [ "$got" -eq "$want" ]; then
    printf 'ok    %-58s %s\n' "$what" "$verdict"
  else
    printf 'FAIL  %-58s %s (exit %s, expected %s)\n' "$what" "$verdict" "$got" "$want"
    cat /tmp/vpcsim-scenario.$$
    failed=1
  fi
  rm -f /tmp/vpcsim-scenario.$$
}

# Exit codes: 0 reachable, 1 unreachable, 3 undetermined, 4 partial.
expect 1 "notebook -> PyPI (no internet route)"            -- --from notebook:studio/data-scientist --to pypi
expect 1 "notebook -> checkip.amazonaws.com"                -- --from notebook:studio/data-scientist --to host:checkip.amazonaws.com
expect 0 "notebook -> SSM through its interface endpoint"   -- --from notebook:studio/data-scientist --to service:ssm
expect 0 "notebook -> STS through its interface endpoint"   -- --from notebook:studio/data-scientist --to service:sts
expect 0 "notebook -> SageMaker API"                        -- --from notebook:studio/data-scientist --to service:sagemaker.api
expect 0 "notebook -> S3 through the gateway endpoint"      -- --from notebook:studio/data-scientist --to service:s3
expect 1 "notebook -> S3 over UDP (gateway endpoints: TCP)" -- --from notebook:studio/data-scientist --to service:s3 --protocol udp
expect 0 "notebook -> another profile's notebook"           -- --from notebook:studio/data-scientist --to notebook:studio/mlops
expect 1 "internet -> notebook"                             -- --from internet --to notebook:studio/data-scientist
expect 1 "job in the VPC -> PyPI"                           -- --from job:processing-in-vpc --to pypi
expect 0 "job without VPC config -> PyPI (platform network)" -- --from job:processing-no-vpc --to pypi
expect 1 "job with network isolation -> S3"                 -- --from job:processing-isolated --to service:s3
expect 1 "new ENI with the SageMaker SG -> PyPI"            -- --from subnet:PrivateSubnet1A --security-groups SageMakerSecurityGroup --to pypi

if [ "$failed" -ne 0 ]; then
  echo "some expectations failed"
  exit 1
fi
echo "every expectation holds"
