// IPv4 and IPv6 address and CIDR parsing and printing.
#include "topology/ip.h"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

namespace vpcsim::topology {
namespace {

// Parses a decimal number with no sign and no leading zeros, at most max.
bool parseDecimal(std::string_view text, uint32_t max, uint32_t& out) {
  if (text.empty() || text.size() > 10) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return false;
  out = static_cast<uint32_t>(value);
  return true;
}

// "ADDRESS/N", or a bare address as a host block: the text Cidr and Cidr6
// read. `strict` refuses host bits below the prefix, as AWS does.
template <typename Block, typename Address>
Result<Block> parseBlock(std::string_view text, std::string_view family, int max_prefix, bool strict) {
  size_t slash = text.find('/');
  auto address = Address::parse(text.substr(0, slash));
  if (!address) return Error{fmt::format("'{}' is not an {} CIDR block", text, family)};
  uint32_t prefix = static_cast<uint32_t>(max_prefix);
  if (slash != std::string_view::npos) {
    if (!parseDecimal(text.substr(slash + 1), 4294967295U, prefix)) {
      return Error{fmt::format("'{}' is not an {} CIDR block", text, family)};
    }
    if (prefix > static_cast<uint32_t>(max_prefix)) {
      return Error{fmt::format("prefix length {} is out of range (0-{})", prefix, max_prefix)};
    }
  }
  Block block = Block::of(*address, static_cast<int>(prefix));
  if (strict && block.base() != *address) {
    return Error{fmt::format("'{}' has host bits set (did you mean {}?)", text, block.str())};
  }
  return block;
}

}  // namespace

Result<Ipv4> Ipv4::parse(std::string_view text) {
  uint32_t value = 0;
  size_t pos = 0;
  for (int octet_index = 0; octet_index < 4; ++octet_index) {
    size_t dot = text.find('.', pos);
    bool last = octet_index == 3;
    if (last != (dot == std::string_view::npos)) return Error{fmt::format("'{}' is not an IPv4 address", text)};
    std::string_view part = text.substr(pos, last ? std::string_view::npos : dot - pos);
    uint32_t octet = 0;
    if (!parseDecimal(part, 255, octet)) return Error{fmt::format("'{}' is not an IPv4 address", text)};
    value = (value << 8) | octet;
    pos = dot + 1;
  }
  return Ipv4(value);
}

std::string Ipv4::str() const {
  return fmt::format("{}.{}.{}.{}", value_ >> 24, (value_ >> 16) & 0xFF, (value_ >> 8) & 0xFF, value_ & 0xFF);
}

bool Ipv4::isPublic() const {
  for (const auto& [base, prefix] : kSpecialPurposeRanges) {
    if (Cidr::of(Ipv4(base), prefix).contains(*this)) return false;
  }
  return true;
}

bool Cidr::contains(const IpAddress& address) const { return !address.isV6() && contains(address.v4()); }

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    auto v6 = Ipv6::parse(text);
    if (!v6) return v6.diagnostic();
    return IpAddress(*v6);
  }
  auto v4 = Ipv4::parse(text);
  if (!v4) return v4.diagnostic();
  return IpAddress(*v4);
}

std::string IpAddress::str() const { return is_v6_ ? v6_.str() : v4_.str(); }

bool IpAddress::isPublic() const { return is_v6_ ? (v6_.high() >> 61) == 1 : v4_.isPublic(); }

Result<Cidr> Cidr::parseLoose(std::string_view text) { return parseBlock<Cidr, Ipv4>(text, "IPv4", 32, false); }

Result<Cidr> Cidr::parse(std::string_view text) { return parseBlock<Cidr, Ipv4>(text, "IPv4", 32, true); }

Cidr Cidr::of(Ipv4 address, int prefix) {
  assert(prefix >= 0 && prefix <= 32);
  Cidr cidr;
  cidr.prefix_ = prefix;
  cidr.base_ = Ipv4(address.value() & cidr.mask());
  return cidr;
}

std::string Cidr::str() const { return fmt::format("{}/{}", base_.str(), prefix_); }

Result<Ipv6> Ipv6::parse(std::string_view text) {
  auto bad = [&] { return Error{fmt::format("'{}' is not an IPv6 address", text)}; };
  std::array<uint16_t, 8> groups{};
  int count = 0;
  int gap = -1;  // where "::" stands, as an index into groups
  size_t pos = 0;
  if (text.rfind("::", 0) == 0) {
    gap = 0;
    pos = 2;
  } else if (text.empty() || text[0] == ':') {
    return bad();
  }
  while (pos < text.size()) {
    size_t colon = text.find(':', pos);
    std::string_view part = text.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos);
    if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
      // RFC 4291 section 2.2: the low 32 bits may be written as a dotted quad.
      auto v4 = Ipv4::parse(part);
      if (!v4 || count > 6) return bad();
      groups[static_cast<size_t>(count++)] = static_cast<uint16_t>(v4->value() >> 16);
      groups[static_cast<size_t>(count++)] = static_cast<uint16_t>(v4->value() & 0xFFFFU);
      break;
    }
    if (part.empty() || part.size() > 4 || count == 8) return bad();
    uint16_t value = 0;
    for (char c : part) {
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) return bad();
      value = static_cast<uint16_t>((value << 4) | digit);
    }
    groups[static_cast<size_t>(count++)] = value;
    if (colon == std::string_view::npos) break;
    pos = colon + 1;
    if (pos < text.size() && text[pos] == ':') {
      if (gap >= 0) return bad();
      gap = count;
      ++pos;
    } else if (pos == text.size()) {
      return bad();  // a single trailing colon
    }
  }
  // Without "::" all eight groups are written; with it, it stands for at least one.
  if (gap < 0 ? count != 8 : count > 7) return bad();
  std::array<uint16_t, 8> full{};
  size_t tail = gap < 0 ? 0 : static_cast<size_t>(count - gap);
  size_t head = static_cast<size_t>(count) - tail;
  for (size_t i = 0; i < head; ++i) full[i] = groups[i];
  for (size_t i = 0; i < tail; ++i) full[8 - tail + i] = groups[head + i];
  uint64_t high = 0;
  uint64_t low = 0;
  for (size_t i = 0; i < 4; ++i) high = (high << 16) | full[i];
  for (size_t i = 4; i < 8; ++i) low = (low << 16) | full[i];
  return Ipv6(high, low);
}

std::string Ipv6::str() const {
  // RFC 5952 section 5: IPv4-mapped addresses keep their dotted quad.
  if (high_ == 0 && (low_ >> 32) == 0xFFFFU) return "::ffff:" + Ipv4(static_cast<uint32_t>(low_)).str();
  // Section 4.2: the longest run of two or more zero groups, the first of equal runs.
  int best_start = -1;
  int best_length = 1;
  for (int i = 0; i < 8;) {
    if (group(i) != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && group(j) == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", group(i));
  }
  return out;
}

Result<Cidr6> Cidr6::parseLoose(std::string_view text) { return parseBlock<Cidr6, Ipv6>(text, "IPv6", 128, false); }

Result<Cidr6> Cidr6::parse(std::string_view text) { return parseBlock<Cidr6, Ipv6>(text, "IPv6", 128, true); }

Cidr6 Cidr6::of(Ipv6 address, int prefix) {
  assert(prefix >= 0 && prefix <= 128);
  Cidr6 cidr;
  cidr.prefix_ = prefix;
  cidr.base_ = Ipv6(address.high() & maskHigh(prefix), address.low() & maskLow(prefix));
  return cidr;
}

std::string Cidr6::str() const { return fmt::format("{}/{}", base_.str(), prefix_); }

Ipv6Block Ipv6Block::assigned(std::string pool, std::string anchor, int prefix) {
  assert(!pool.empty() && !anchor.empty() && prefix >= 0 && prefix <= 128);
  Ipv6Block block;
  block.cidr_ = Cidr6::of(Ipv6(), prefix);
  block.pool_ = std::move(pool);
  block.anchor_ = std::move(anchor);
  block.anchor_prefix_ = prefix;
  return block;
}

Result<Ipv6Block> Ipv6Block::subblock(uint64_t index, int prefix) const {
  int depth = prefix - cidr_.prefix();
  if (prefix > 128 || depth < 0) {
    return Error{fmt::format("a /{} does not fit in {}", prefix, str())};
  }
  if (depth < 64 && index >> depth != 0) {
    return Error{fmt::format("{} holds no /{} number {} (it holds {})", str(), prefix, index, uint64_t{1} << depth)};
  }
  if (!known() && prefix - anchor_prefix_ > 64) {
    return Error{fmt::format("cannot place a /{} inside the unknown {} (more than 64 bits deeper)", prefix, str())};
  }
  // index << (128 - prefix), as two halves; the bits land below this block's prefix.
  int shift = 128 - prefix;
  uint64_t high = 0;
  uint64_t low = 0;
  if (shift >= 64) {
    high = shift == 128 ? 0 : index << (shift - 64);
  } else {
    high = shift == 0 ? 0 : index >> (64 - shift);
    low = index << shift;
  }
  Ipv6Block out = *this;
  out.cidr_ = Cidr6::of(Ipv6(cidr_.base().high() | high, cidr_.base().low() | low), prefix);
  return out;
}

std::string Ipv6Block::str() const {
  if (known()) return cidr_.str();
  std::string out = fmt::format("{}({})/{}", pool_, anchor_, anchor_prefix_);
  if (cidr_.prefix() > anchor_prefix_) {
    // The offset fits in 64 bits below the anchor (subblock() keeps it so).
    int shift = 128 - cidr_.prefix();
    uint64_t high = cidr_.base().high();
    uint64_t low = cidr_.base().low();
    uint64_t index = shift >= 64 ? high >> (shift - 64) : shift == 0 ? low : (low >> shift) | (high << (64 - shift));
    out += fmt::format("#{}/{}", index, cidr_.prefix());
  }
  return out;
}

Result<Ipv6Block> Ipv6Block::parse(std::string_view text) {
  size_t open = text.find('(');
  if (open == std::string_view::npos) {
    auto cidr = Cidr6::parse(text);
    if (!cidr) return cidr.diagnostic();
    return Ipv6Block(*cidr);
  }
  auto bad = [&] {
    return Error{fmt::format("'{}' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)", text)};
  };
  size_t close = text.find(')', open);
  if (close == std::string_view::npos || open == 0 || close == open + 1) return bad();
  std::string_view pool = text.substr(0, open);
  std::string_view anchor = text.substr(open + 1, close - open - 1);
  auto name_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'; };
  if (!std::all_of(pool.begin(), pool.end(), name_char) || !std::all_of(anchor.begin(), anchor.end(), name_char)) {
    return bad();
  }
  std::string_view rest = text.substr(close + 1);
  size_t hash = rest.find('#');
  std::string_view whole = rest.substr(0, hash);
  uint32_t prefix = 0;
  if (whole.size() < 2 || whole[0] != '/' || !parseDecimal(whole.substr(1), 128, prefix)) return bad();
  Ipv6Block block = assigned(std::string(pool), std::string(anchor), static_cast<int>(prefix));
  if (hash == std::string_view::npos) return block;
  std::string_view part = rest.substr(hash + 1);
  size_t slash = part.find('/');
  uint32_t sub_prefix = 0;
  uint64_t index = 0;
  if (slash == std::string_view::npos || !parseDecimal(part.substr(slash + 1), 128, sub_prefix)) return bad();
  std::string_view digits = part.substr(0, slash);
  if (digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0')) return bad();
  for (char c : digits) {
    if (c < '0' || c > '9') return bad();
    index = index * 10 + static_cast<uint64_t>(c - '0');
  }
  if (static_cast<int>(sub_prefix) <= block.prefix()) return bad();
  return block.subblock(index, static_cast<int>(sub_prefix));
}

Result<int> parseProtocol(std::string_view text) {
  if (text == "-1" || text == "all" || text == "any") return kProtocolAll;
  if (text == "tcp") return kProtocolTcp;
  if (text == "udp") return kProtocolUdp;
  if (text == "icmp") return kProtocolIcmp;
  if (text == "icmpv6") return kProtocolIcmpv6;
  uint32_t number = 0;
  if (parseDecimal(text, 255, number)) return static_cast<int>(number);
  return Error{fmt::format("'{}' is not a protocol (tcp, udp, icmp, -1 or 0-255)", text)};
}

std::string protocolName(int protocol) {
  switch (protocol) {
    case kProtocolAll: return "all";
    case kProtocolTcp: return "tcp";
    case kProtocolUdp: return "udp";
    case kProtocolIcmp: return "icmp";
    case kProtocolIcmpv6: return "icmpv6";
    default: return std::to_string(protocol);
  }
}

std::string PortRange::str() const {
  if (all()) return "all ports";
  if (from == to) return std::to_string(from);
  return fmt::format("{}-{}", from, to);
}

}  // namespace vpcsim::topology
