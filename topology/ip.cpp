// IPv4 address and CIDR parsing and printing.
#include "topology/ip.h"

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

Result<Cidr> Cidr::parseLoose(std::string_view text) {
  size_t slash = text.find('/');
  auto address = Ipv4::parse(text.substr(0, slash));
  if (!address) return Error{fmt::format("'{}' is not an IPv4 CIDR block", text)};
  uint32_t prefix = 32;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (!parseDecimal(digits, 4294967295U, prefix)) {
      return Error{fmt::format("'{}' is not an IPv4 CIDR block", text)};
    }
    if (prefix > 32) {
      return Error{fmt::format("prefix length {} is out of range (0-32)", prefix)};
    }
  }
  return Cidr::of(*address, static_cast<int>(prefix));
}

Result<Cidr> Cidr::parse(std::string_view text) {
  auto cidr = parseLoose(text);
  if (!cidr) return cidr;
  size_t slash = text.find('/');
  auto address = Ipv4::parse(text.substr(0, slash));
  if (address->value() != cidr->base().value()) {
    return Error{fmt::format("'{}' has host bits set (did you mean {}?)", text, cidr->str())};
  }
  return cidr;
}

Cidr Cidr::of(Ipv4 address, int prefix) {
  assert(prefix >= 0 && prefix <= 32);
  Cidr cidr;
  cidr.prefix_ = prefix;
  cidr.base_ = Ipv4(address.value() & cidr.mask());
  return cidr;
}

std::string Cidr::str() const { return fmt::format("{}/{}", base_.str(), prefix_); }

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
