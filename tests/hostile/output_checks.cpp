// A UTF-8 decoder and a small XML 1.0 well-formedness checker (no DTD), enough to judge JUnit output.
#include "output_checks.h"

#include <cstdint>
#include <set>
#include <vector>

namespace vpcsim::hostile {

namespace {

/// Decodes the code point at `pos` and advances; returns -1 on an invalid or overlong sequence.
long decodeUtf8(std::string_view text, size_t& pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  int length = 0;
  long code = 0;
  long minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, minimum = 0x10000;
  } else {
    return -1;
  }
  if (pos + static_cast<size_t>(length) > text.size()) return -1;
  for (int i = 1; i < length; ++i) {
    unsigned char next = byte(pos + static_cast<size_t>(i));
    if ((next & 0xC0) != 0x80) return -1;
    code = (code << 6) | (next & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  pos += static_cast<size_t>(length);
  return code;
}

bool isXmlChar(long c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

bool isNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string at(const std::string& what, size_t pos) { return what + " at byte " + std::to_string(pos); }

/// A recursive-descent-free scanner: a stack of open element names.
class XmlScanner {
 public:
  explicit XmlScanner(std::string_view text) : text_(text) {}

  std::string run() {
    for (size_t i = 0; i < text_.size();) {
      long c = decodeUtf8(text_, i);
      if (c < 0) return at("invalid UTF-8", i);
      if (!isXmlChar(c)) return at("character U+" + hex(c) + " not allowed in XML", i);
    }
    if (starts("<?xml")) {
      size_t end = text_.find("?>");
      if (end == std::string_view::npos) return at("unterminated XML declaration", 0);
      pos_ = end + 2;
    }
    while (pos_ < text_.size()) {
      std::string problem = step();
      if (!problem.empty()) return problem;
    }
    if (!open_.empty()) return at("element <" + open_.back() + "> not closed", pos_);
    if (roots_ != 1) return at("expected exactly one root element, found " + std::to_string(roots_), pos_);
    return {};
  }

 private:
  static std::string hex(long c) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (int shift = 20; shift >= 0; shift -= 4) out.push_back(digits[(c >> shift) & 0xF]);
    while (out.size() > 4 && out[0] == '0') out.erase(0, 1);
    return out;
  }
  bool starts(std::string_view prefix) const { return text_.substr(pos_, prefix.size()) == prefix; }

  std::string skipPast(std::string_view terminator, const std::string& what) {
    size_t end = text_.find(terminator, pos_);
    if (end == std::string_view::npos) return at("unterminated " + what, pos_);
    pos_ = end + terminator.size();
    return {};
  }

  std::string step() {
    if (text_[pos_] != '<') return text();
    if (starts("<!--")) return skipPast("-->", "comment");
    if (starts("<![CDATA[")) {
      if (open_.empty()) return at("CDATA outside the root element", pos_);
      return skipPast("]]>", "CDATA section");
    }
    if (starts("<?")) return skipPast("?>", "processing instruction");
    if (starts("<!")) return at("DTD or declaration not supported", pos_);
    if (starts("</")) return endTag();
    return startTag();
  }

  std::string text() {
    while (pos_ < text_.size() && text_[pos_] != '<') {
      char c = text_[pos_];
      if (c == '&') {
        std::string problem = reference();
        if (!problem.empty()) return problem;
        continue;
      }
      if (open_.empty() && !isSpace(c)) return at("text outside the root element", pos_);
      if (c == '>' && pos_ >= 2 && text_.substr(pos_ - 2, 3) == "]]>") return at("']]>' in text", pos_);
      ++pos_;
    }
    return {};
  }

  /// `&name;` or `&#N;` / `&#xH;` at pos_.
  std::string reference() {
    size_t end = text_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return at("bad entity reference", pos_);
    std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
    if (!body.empty() && body[0] == '#') {
      bool hexadecimal = body.size() > 1 && body[1] == 'x';
      std::string_view digits = body.substr(hexadecimal ? 2 : 1);
      if (digits.empty()) return at("empty character reference", pos_);
      long value = 0;
      for (char d : digits) {
        int digit = -1;
        if (d >= '0' && d <= '9') digit = d - '0';
        if (hexadecimal && d >= 'a' && d <= 'f') digit = d - 'a' + 10;
        if (hexadecimal && d >= 'A' && d <= 'F') digit = d - 'A' + 10;
        if (digit < 0) return at("bad character reference", pos_);
        value = value * (hexadecimal ? 16 : 10) + digit;
        if (value > 0x10FFFF) return at("character reference out of range", pos_);
      }
      if (!isXmlChar(value)) return at("character reference to a character XML forbids", pos_);
    } else if (body != "lt" && body != "gt" && body != "amp" && body != "quot" && body != "apos") {
      return at("unknown entity '&" + std::string(body) + ";'", pos_);
    }
    pos_ = end + 1;
    return {};
  }

  std::string name(std::string& out) {
    if (pos_ >= text_.size() || !isNameStart(text_[pos_])) return at("expected a name", pos_);
    size_t begin = pos_;
    while (pos_ < text_.size() && isNameChar(text_[pos_])) ++pos_;
    out = std::string(text_.substr(begin, pos_ - begin));
    return {};
  }

  void spaces() {
    while (pos_ < text_.size() && isSpace(text_[pos_])) ++pos_;
  }

  std::string startTag() {
    ++pos_;
    std::string element;
    if (auto problem = name(element); !problem.empty()) return problem;
    if (open_.empty() && ++roots_ > 1) return at("a second root element", pos_);
    std::set<std::string> attributes;
    while (true) {
      size_t before = pos_;
      spaces();
      if (pos_ >= text_.size()) return at("unterminated start tag <" + element + ">", pos_);
      if (starts("/>")) {
        pos_ += 2;
        return {};
      }
      if (text_[pos_] == '>') {
        ++pos_;
        open_.push_back(element);
        return {};
      }
      if (before == pos_) return at("expected a space before an attribute", pos_);
      std::string attribute;
      if (auto problem = name(attribute); !problem.empty()) return problem;
      if (!attributes.insert(attribute).second) return at("duplicate attribute '" + attribute + "'", pos_);
      spaces();
      if (pos_ >= text_.size() || text_[pos_] != '=') return at("expected '=' after an attribute name", pos_);
      ++pos_;
      spaces();
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
        return at("attribute value not quoted", pos_);
      }
      char quote = text_[pos_++];
      while (pos_ < text_.size() && text_[pos_] != quote) {
        if (text_[pos_] == '<') return at("'<' in an attribute value", pos_);
        if (text_[pos_] == '&') {
          if (auto problem = reference(); !problem.empty()) return problem;
          continue;
        }
        ++pos_;
      }
      if (pos_ >= text_.size()) return at("unterminated attribute value", pos_);
      ++pos_;
    }
  }

  std::string endTag() {
    pos_ += 2;
    std::string element;
    if (auto problem = name(element); !problem.empty()) return problem;
    spaces();
    if (pos_ >= text_.size() || text_[pos_] != '>') return at("expected '>' closing </" + element + ">", pos_);
    ++pos_;
    if (open_.empty() || open_.back() != element) return at("</" + element + "> closes nothing open", pos_);
    open_.pop_back();
    return {};
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<std::string> open_;
  int roots_ = 0;
};

}  // namespace

std::string unsafeTextProblem(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    long c = decodeUtf8(text, i);
    if (c < 0) return at("invalid UTF-8", start);
    bool control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F);
    if (control) return at("raw control character " + std::to_string(c), start);
  }
  return {};
}

std::string xmlProblem(std::string_view text) { return XmlScanner(text).run(); }

}  // namespace vpcsim::hostile
