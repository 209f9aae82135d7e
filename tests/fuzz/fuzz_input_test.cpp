// The framing the fuzz targets and scripts/fuzz.sh share (tests/fuzz/fuzz_input.h).
#include <catch2/catch.hpp>

#include "tests/fuzz/fuzz_input.h"

using vpcsim::fuzz::safeRelative;
using vpcsim::fuzz::splitFrames;

TEST_CASE("an input without #FILE lines is the default file, byte for byte", "[fuzz]") {
  auto frames = splitFrames("a: 1\nb: 2", "topology.yaml");
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].path == "topology.yaml");
  CHECK(frames[0].text == "a: 1\nb: 2");
  CHECK(splitFrames("", "x.json").size() == 1);
}

TEST_CASE("#FILE lines start files, as scripts/fuzz.sh writes snapshot seeds", "[fuzz]") {
  auto frames = splitFrames("#FILE Vpcs.json\n{\"Vpcs\": []}\n#FILE us-east-2/Subnets.json\n{}\n", "Vpcs.json");
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].path == "Vpcs.json");
  CHECK(frames[0].text == "{\"Vpcs\": []}\n");
  CHECK(frames[1].path == "us-east-2/Subnets.json");
  CHECK(frames[1].text == "{}\n");
}

TEST_CASE("text before the first #FILE line goes to the default file", "[fuzz]") {
  auto frames = splitFrames("Resources: {}\n#FILE parameters\nA=1\nB=x=y\n", "template.yaml");
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].path == "template.yaml");
  CHECK(frames[0].text == "Resources: {}\n");
  CHECK(frames[1].path == "parameters");
  CHECK(frames[1].text == "A=1\nB=x=y\n");
  // A marker not at the start of a line is text.
  CHECK(splitFrames("x #FILE y\n", "d").size() == 1);
}

TEST_CASE("a frame cannot write outside the scratch folder", "[fuzz]") {
  CHECK(safeRelative("Vpcs.json"));
  CHECK(safeRelative("accounts/123/us-east-1/Vpcs.json"));
  CHECK_FALSE(safeRelative(""));
  CHECK_FALSE(safeRelative("/etc/passwd"));
  CHECK_FALSE(safeRelative("../x"));
  CHECK_FALSE(safeRelative("a/../../x"));
  CHECK_FALSE(safeRelative("./x"));
  CHECK_FALSE(safeRelative(std::string("a\0b", 3)));
}
