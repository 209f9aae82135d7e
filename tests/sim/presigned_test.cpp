// The Studio sign-in perimeter: how the two legs of a presigned URL combine
// (the legs themselves: tests/scenario/runner_test.cpp and the golden cases).
#include "sim/presigned.h"

#include <catch2/catch.hpp>

namespace vpcsim::sim {

TEST_CASE("a presigned URL works only when both legs do", "[presigned]") {
  using V = Verdict;
  // Either leg failing everywhere makes the URL useless, whatever the other says.
  for (V other : {V::kReachable, V::kUnreachable, V::kPartial, V::kUndetermined}) {
    CHECK(bothLegs(V::kUnreachable, other) == V::kUnreachable);
    CHECK(bothLegs(other, V::kUnreachable) == V::kUnreachable);
  }
  CHECK(bothLegs(V::kReachable, V::kReachable) == V::kReachable);
  // Not settled before partly working: an undetermined leg may fail.
  CHECK(bothLegs(V::kUndetermined, V::kReachable) == V::kUndetermined);
  CHECK(bothLegs(V::kPartial, V::kUndetermined) == V::kUndetermined);
  CHECK(bothLegs(V::kReachable, V::kPartial) == V::kPartial);
  CHECK(bothLegs(V::kPartial, V::kPartial) == V::kPartial);
}

}  // namespace vpcsim::sim
