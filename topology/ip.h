// IPv4 addresses, CIDR blocks and port ranges as value types that cannot be invalid.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "topology/result.h"

namespace vpcsim::topology {

/// An IPv4 address; built only by parse() or from a host-order integer.
class Ipv4 {
 public:
  constexpr Ipv4() = default;
  constexpr explicit Ipv4(uint32_t value) : value_(value) {}

  /// Parses dotted-quad text ("10.0.0.1"); rejects leading zeros, missing or
  /// extra octets and octets above 255.
  static Result<Ipv4> parse(std::string_view text);

  [[nodiscard]] constexpr uint32_t value() const { return value_; }
  [[nodiscard]] std::string str() const;
  /// True for addresses routable on the public internet: outside every
  /// range of kSpecialPurposeRanges.
  [[nodiscard]] bool isPublic() const;

  constexpr auto operator<=>(const Ipv4&) const = default;

 private:
  uint32_t value_ = 0;
};

/// A normalised IPv4 CIDR block (host bits are zero).
class Cidr {
 public:
  constexpr Cidr() = default;

  /// Parses "A.B.C.D/N"; a bare address is a /32. Host bits set below the
  /// prefix are an error ("10.0.0.1/8 has host bits set"), as AWS rejects them.
  static Result<Cidr> parse(std::string_view text);
  /// Like parse() but silently clears host bits (for AWS fields that accept them).
  static Result<Cidr> parseLoose(std::string_view text);
  /// Builds the block of `prefix` bits around `address`, clearing host bits.
  static Cidr of(Ipv4 address, int prefix);

  [[nodiscard]] constexpr Ipv4 base() const { return base_; }
  [[nodiscard]] constexpr int prefix() const { return prefix_; }
  [[nodiscard]] constexpr uint32_t mask() const {
    return prefix_ == 0 ? 0U : ~0U << (32 - prefix_);
  }
  [[nodiscard]] constexpr Ipv4 first() const { return base_; }
  [[nodiscard]] constexpr Ipv4 last() const { return Ipv4(base_.value() | ~mask()); }
  /// Number of addresses, 1 (/32) to 2^32 (/0).
  [[nodiscard]] constexpr uint64_t size() const { return uint64_t{1} << (32 - prefix_); }
  [[nodiscard]] constexpr bool contains(Ipv4 address) const {
    return (address.value() & mask()) == base_.value();
  }
  [[nodiscard]] constexpr bool contains(const Cidr& other) const {
    return other.prefix_ >= prefix_ && contains(other.base_);
  }
  [[nodiscard]] constexpr bool overlaps(const Cidr& other) const {
    return contains(other.base_) || other.contains(base_);
  }
  [[nodiscard]] std::string str() const;

  constexpr auto operator<=>(const Cidr&) const = default;

 private:
  Ipv4 base_;
  int prefix_ = 0;
};

/// IP protocol numbers as AWS writes them; -1 means every protocol.
inline constexpr int kProtocolAll = -1;
inline constexpr int kProtocolIcmp = 1;
inline constexpr int kProtocolTcp = 6;
inline constexpr int kProtocolUdp = 17;
inline constexpr int kProtocolIcmpv6 = 58;

/// Parses an AWS protocol field: "-1", "all", "tcp", "udp", "icmp", "icmpv6" or
/// a number 0-255.
Result<int> parseProtocol(std::string_view text);
/// "tcp", "udp", "icmp", "all" or the number.
std::string protocolName(int protocol);

/// An inclusive port range; 0-65535 is "all ports".
/// RFC 6890 special-purpose IPv4 ranges (base, prefix length), never
/// reachable on the internet.
inline constexpr std::array<std::pair<uint32_t, int>, 15> kSpecialPurposeRanges = {{
    {0x00000000, 8},   // 0.0.0.0/8 this network
    {0x0A000000, 8},   // 10.0.0.0/8 private
    {0x64400000, 10},  // 100.64.0.0/10 shared (CGNAT)
    {0x7F000000, 8},   // 127.0.0.0/8 loopback
    {0xA9FE0000, 16},  // 169.254.0.0/16 link-local
    {0xAC100000, 12},  // 172.16.0.0/12 private
    {0xC0000000, 24},  // 192.0.0.0/24 IETF protocol assignments
    {0xC0000200, 24},  // 192.0.2.0/24 TEST-NET-1
    {0xC0A80000, 16},  // 192.168.0.0/16 private
    {0xC6120000, 15},  // 198.18.0.0/15 benchmarking
    {0xC6336400, 24},  // 198.51.100.0/24 TEST-NET-2
    {0xCB007100, 24},  // 203.0.113.0/24 TEST-NET-3
    {0xE0000000, 4},   // 224.0.0.0/4 multicast
    {0xF0000000, 4},   // 240.0.0.0/4 reserved
    {0xFFFFFFFF, 32},  // broadcast
}};

struct PortRange {
  int from = 0;
  int to = 65535;
  [[nodiscard]] constexpr bool contains(int port) const { return port >= from && port <= to; }
  [[nodiscard]] constexpr bool all() const { return from <= 0 && to >= 65535; }
  [[nodiscard]] std::string str() const;
  constexpr auto operator<=>(const PortRange&) const = default;
};

}  // namespace vpcsim::topology
