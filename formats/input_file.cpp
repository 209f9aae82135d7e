// The one way vpcsim reads an input file: regular files only, size-capped, UTF-8 checked.
#include "formats/input_file.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace vpcsim::formats {

using topology::Diagnostic;
using topology::Result;

namespace {

/// Closes a POSIX file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

std::string kindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory, expected a file";
  if (S_ISFIFO(mode)) return "not a regular file (a FIFO)";
  if (S_ISCHR(mode)) return "not a regular file (a character device)";
  if (S_ISBLK(mode)) return "not a regular file (a block device)";
  if (S_ISSOCK(mode)) return "not a regular file (a socket)";
  return "not a regular file";
}

std::string tooLarge(std::uintmax_t max_bytes) {
  return fmt::format("too large: more than {} bytes (the most vpcsim reads from one file)", max_bytes);
}

/// Length of the UTF-8 sequence starting at `text[i]`, or 0 when it is not a
/// valid one (RFC 3629 section 4: no overlong forms, no surrogates, nothing
/// above U+10FFFF).
std::size_t utf8Length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0U; };
  auto continuation = [&](std::size_t k) { return k < text.size() && (byte(k) & 0xC0U) == 0x80U; };
  unsigned char b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80U) return 1;
  if (b0 >= 0xC2U && b0 <= 0xDFU) return continuation(i + 1) ? 2 : 0;
  if (b0 >= 0xE0U && b0 <= 0xEFU) {
    unsigned b1 = byte(i + 1);
    if (b0 == 0xE0U && b1 < 0xA0U) return 0;  // overlong
    if (b0 == 0xEDU && b1 >= 0xA0U) return 0;  // UTF-16 surrogates
    return continuation(i + 1) && continuation(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xF0U && b0 <= 0xF4U) {
    unsigned b1 = byte(i + 1);
    if (b0 == 0xF0U && b1 < 0x90U) return 0;  // overlong
    if (b0 == 0xF4U && b1 >= 0x90U) return 0;  // above U+10FFFF
    return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

/// The encoding a UTF-16 or UTF-32 text shows in its first bytes (a
/// byte-order mark, or the NUL bytes around an ASCII character), if any.
std::optional<std::string_view> wideEncoding(std::string_view text) {
  auto starts = [&](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
  using namespace std::string_view_literals;
  if (starts("\x00\x00\xFE\xFF"sv)) return "UTF-32 (big-endian byte-order mark)";
  if (starts("\xFF\xFE\x00\x00"sv)) return "UTF-32 (little-endian byte-order mark)";
  if (starts("\xFE\xFF"sv)) return "UTF-16 (big-endian byte-order mark)";
  if (starts("\xFF\xFE"sv)) return "UTF-16 (little-endian byte-order mark)";
  if (text.size() >= 4) {
    bool z0 = text[0] == '\0';
    bool z1 = text[1] == '\0';
    bool z2 = text[2] == '\0';
    bool z3 = text[3] == '\0';
    if (z0 && z1 && z2 && !z3) return "UTF-32 (big-endian)";
    if (!z0 && z1 && z2 && z3) return "UTF-32 (little-endian)";
    if (z0 && !z1 && z2 && !z3) return "UTF-16 (big-endian)";
    if (!z0 && z1 && !z2 && z3) return "UTF-16 (little-endian)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<TextProblem> checkUtf8Text(std::string_view text) {
  if (auto wide = wideEncoding(text)) {
    return TextProblem{0, fmt::format("{} text, expected UTF-8", *wide)};
  }
  for (std::size_t i = 0; i < text.size();) {
    if (i + 8 <= text.size()) {  // eight ASCII bytes, none of them NUL, at a time
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, 8);
      constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
      constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
      if ((word & kHigh) == 0 && ((word - kOnes) & ~word & kHigh) == 0) {
        i += 8;
        continue;
      }
    }
    if (text[i] == '\0') return TextProblem{i, "NUL byte in text (a binary file?)"};
    std::size_t length = utf8Length(text, i);
    if (length == 0) {
      return TextProblem{i, fmt::format("invalid UTF-8 (byte 0x{:02X}), expected UTF-8 text",
                                        static_cast<unsigned char>(text[i]))};
    }
    i += length;
  }
  return std::nullopt;
}

std::string textLocation(std::string_view file, std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return fmt::format("{}:{}:{}", file, line, offset - line_start + 1);
}

Result<std::string> readInputFile(const std::filesystem::path& path, std::uintmax_t max_bytes) {
  const std::string where = path.string();
  auto fail = [&](std::string code, std::string message) {
    return Diagnostic{std::move(code), std::move(message), where};
  };
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it has no effect
  // on the regular files that are read below.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));  // NOLINT(cppcoreguidelines-pro-type-vararg)
  if (fd.get() < 0) {
    int error = errno;
    return fail("io-error", fmt::format("cannot open file: {}", std::strerror(error)));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    int error = errno;
    return fail("io-error", fmt::format("cannot read file: {}", std::strerror(error)));
  }
  if (!S_ISREG(info.st_mode)) return fail("not-a-file", kindOf(info.st_mode));
  if (info.st_size < 0 || static_cast<std::uintmax_t>(info.st_size) > max_bytes) {
    return fail("too-large", tooLarge(max_bytes));
  }
  // Read the size fstat gave, then on to the end of the file: a file that
  // grows while it is read is cut off as too large, not read for ever.
  std::string text;
  text.reserve(static_cast<std::size_t>(info.st_size) + kInputFilePadding);
  text.resize(static_cast<std::size_t>(info.st_size));
  std::size_t filled = 0;
  char spare[4096];
  for (;;) {
    bool in_place = filled < text.size();
    char* into = in_place ? text.data() + filled : spare;
    std::size_t room = in_place ? text.size() - filled : sizeof spare;
    ssize_t got = ::read(fd.get(), into, room);
    if (got < 0) {
      int error = errno;
      if (error == EINTR) continue;
      return fail("io-error", fmt::format("cannot read file: {}", std::strerror(error)));
    }
    if (got == 0) break;
    auto count = static_cast<std::size_t>(got);
    if (filled + count > max_bytes) return fail("too-large", tooLarge(max_bytes));
    if (!in_place) text.append(spare, count);
    filled += count;
  }
  text.resize(filled);
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // a UTF-8 byte-order mark
  if (auto problem = checkUtf8Text(text)) {
    return Diagnostic{"bad-encoding", std::move(problem->message), textLocation(where, text, problem->offset)};
  }
  return text;
}

}  // namespace vpcsim::formats
