// Tests for the one input file reader: file kinds, the size cap, UTF-8, byte-order marks (formats/input_file.h).
#include "formats/input_file.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include "tests/support/temp_dir.h"
#include <sys/stat.h>
#include <unistd.h>

namespace vpcsim::formats {
namespace {

namespace fs = std::filesystem;

/// Each test's folder: vpcsim-input-NAME-PID.
class TempDir : public test_support::TempDir {
 public:
  explicit TempDir(const std::string& name) : test_support::TempDir("input-" + name) {}
};

std::string errorOf(const topology::Result<std::string>& read) { return read.ok() ? "(read)" : read.diagnostic().str(); }

TEST_CASE("a regular file is read whole", "[input]") {
  TempDir dir("plain");
  fs::path file = dir.write("a.yaml", "version: \"1\"\nvpcs: []\n");
  auto read = readInputFile(file);
  REQUIRE(read.ok());
  CHECK(read.value() == "version: \"1\"\nvpcs: []\n");
}

TEST_CASE("a directory given where a file is expected is an error", "[input]") {
  TempDir dir("dir");
  CHECK(errorOf(readInputFile(dir.path())) == dir.path().string() + ": error: is a directory, expected a file");
}

TEST_CASE("a device such as /dev/zero is refused without reading it", "[input]") {
  CHECK(errorOf(readInputFile("/dev/zero")) == "/dev/zero: error: not a regular file (a character device)");
}

TEST_CASE("a FIFO is refused without waiting for a writer", "[input]") {
  TempDir dir("fifo");
  fs::path fifo = dir.path() / "plan.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(errorOf(readInputFile(fifo)) == fifo.string() + ": error: not a regular file (a FIFO)");
}

TEST_CASE("a missing file names the reason", "[input]") {
  TempDir dir("missing");
  fs::path file = dir.path() / "nope.yaml";
  CHECK(errorOf(readInputFile(file)) == file.string() + ": error: cannot open file: No such file or directory");
}

TEST_CASE("a file over the size cap is too large, and one at the cap is read", "[input]") {
  TempDir dir("large");
  fs::path file = dir.write("big.json", std::string(11, 'x'));
  CHECK(errorOf(readInputFile(file, 10)) ==
        file.string() + ": error: too large: more than 10 bytes (the most vpcsim reads from one file)");
  CHECK(readInputFile(file, 11).ok());
}

TEST_CASE("a UTF-8 byte-order mark is dropped", "[input]") {
  TempDir dir("bom");
  fs::path file = dir.write("bom.yaml", "\xEF\xBB\xBFvpcs: []\n");
  auto read = readInputFile(file);
  REQUIRE(read.ok());
  CHECK(read.value() == "vpcs: []\n");
}

TEST_CASE("UTF-16 and UTF-32 text is refused, with or without a byte-order mark", "[input]") {
  using namespace std::string_literals;
  auto [bytes, encoding] = GENERATE(table<std::string, std::string>({
      {"\xFF\xFEv\0p\0"s, "UTF-16 (little-endian byte-order mark)"},
      {"\xFE\xFF\0v\0p"s, "UTF-16 (big-endian byte-order mark)"},
      {"\xFF\xFE\0\0v\0\0\0"s, "UTF-32 (little-endian byte-order mark)"},
      {"\0\0\xFE\xFF\0\0\0v"s, "UTF-32 (big-endian byte-order mark)"},
      {"v\0p\0c\0"s, "UTF-16 (little-endian)"},
      {"\0v\0p\0c"s, "UTF-16 (big-endian)"},
      {"v\0\0\0p\0\0\0"s, "UTF-32 (little-endian)"},
      {"\0\0\0v\0\0\0p"s, "UTF-32 (big-endian)"},
  }));
  CAPTURE(encoding);
  TempDir dir("wide");
  fs::path file = dir.write("wide.yaml", bytes);
  CHECK(errorOf(readInputFile(file)) == file.string() + ":1:1: error: " + encoding + " text, expected UTF-8");
}

TEST_CASE("invalid UTF-8 is located at its first bad byte", "[input]") {
  using namespace std::string_literals;
  auto [bytes, where, byte] = GENERATE(table<std::string, std::string, std::string>({
      {"a: b\nc: \xFF\n"s, "2:4", "0xFF"},
      {"a: \xC3\xA9t\xC3\n"s, "1:7", "0xC3"},             // a sequence cut short (after a good "é")
      {"0123456789abcdef\x80"s, "1:17", "0x80"},          // a lone continuation byte after the 8-byte fast path
      {"x: \xC0\xAF\n"s, "1:4", "0xC0"},                  // overlong "/"
      {"x: \xED\xA0\x80\n"s, "1:4", "0xED"},              // a UTF-16 surrogate
      {"x: \xF4\x90\x80\x80\n"s, "1:4", "0xF4"},          // above U+10FFFF
  }));
  CAPTURE(where);
  TempDir dir("utf8");
  fs::path file = dir.write("bad.yaml", bytes);
  CHECK(errorOf(readInputFile(file)) ==
        file.string() + ":" + where + ": error: invalid UTF-8 (byte " + byte + "), expected UTF-8 text");
}

TEST_CASE("a NUL byte in text is located", "[input]") {
  using namespace std::string_literals;
  TempDir dir("nul");
  fs::path file = dir.write("nul.yaml", "abcdefghij\nxy\0z"s);
  CHECK(errorOf(readInputFile(file)) == file.string() + ":2:3: error: NUL byte in text (a binary file?)");
}

TEST_CASE("valid UTF-8 of every length is read", "[input]") {
  TempDir dir("good");
  std::string text = "ascii é € 𝄞 \xF4\x8F\xBF\xBF end";  // 2-, 3- and 4-byte sequences, U+10FFFF
  fs::path file = dir.write("good.yaml", text);
  auto read = readInputFile(file);
  REQUIRE(read.ok());
  CHECK(read.value() == text);
}

}  // namespace
}  // namespace vpcsim::formats
