// The one way vpcsim reads an input file: regular files only, size-capped, UTF-8 checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "topology/result.h"

namespace vpcsim::formats {

/// The largest input file vpcsim reads: 256 MiB. The largest file of the
/// 100,000-interface benchmark snapshot (`vpcsim generate --enis 100000`),
/// Reservations.json, is about 175 MB; docs/cli.md "Limits" lists this with
/// the other limits.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{256} << 20;

/// Spare capacity readInputFile leaves after the text, so a parser that reads
/// a little past the end (simdjson's SIMDJSON_PADDING, 64 bytes) parses the
/// string in place instead of copying it.
inline constexpr std::size_t kInputFilePadding = 64;

/// Reads the whole of `path` as UTF-8 text. Only a regular file (or a
/// symlink to one) is read: a directory, a FIFO, a device such as /dev/zero
/// or a socket is an error, and nothing is read from it. A file larger than
/// `max_bytes` is an error ("too large: ..."), checked both before and while
/// reading (a file that grows is caught too). A UTF-8 byte-order mark is
/// dropped; UTF-16 and UTF-32 text (a byte-order mark, or the NUL bytes of
/// their ASCII characters), NUL bytes and invalid UTF-8 are errors located at
/// `FILE:LINE:COLUMN` of the first bad byte. Other errors are located at
/// FILE (the path as given).
topology::Result<std::string> readInputFile(const std::filesystem::path& path,
                                            std::uintmax_t max_bytes = kMaxInputFileBytes);

/// A problem in text, at a byte offset.
struct TextProblem {
  std::size_t offset = 0;  ///< 0-based byte offset of the first bad byte
  std::string message;     ///< lowercase, no trailing period
};

/// The first reason `text` is not UTF-8 text vpcsim reads: a NUL byte, a
/// UTF-16 or UTF-32 pattern, a byte that is not valid UTF-8 (overlong forms,
/// surrogates and code points above U+10FFFF included). nullopt when it is
/// fine. A UTF-8 byte-order mark is not a problem here (readInputFile drops it).
std::optional<TextProblem> checkUtf8Text(std::string_view text);

/// `FILE:LINE:COLUMN` of byte `offset` of `text` (1-based line and column; the
/// column counts bytes).
std::string textLocation(std::string_view file, std::string_view text, std::size_t offset);

}  // namespace vpcsim::formats
